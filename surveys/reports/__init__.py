"""Reports: aggregated in the database, shown only where no group under N can be read."""
