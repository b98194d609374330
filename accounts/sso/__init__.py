"""Sign-in with the municipality's own account (OpenID Connect through django-allauth).

Each municipality configures its identity provider in the admin
(:class:`accounts.models.IdentityProvider`, which keeps allauth's ``SocialApp``).
The provider here is allauth's OpenID Connect provider with a nonce, and with
every refused ID token logged; :mod:`.adapter` decides who a sign-in is: an
existing user of *that* municipality, found by a verified claim, never someone
of another municipality, and a new user only where O&F has turned that on.
"""
