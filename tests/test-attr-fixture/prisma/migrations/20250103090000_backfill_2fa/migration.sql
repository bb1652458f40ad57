-- A data migration: accounts of the secure domain get 2FA.
UPDATE users SET two_factor = 1 WHERE email LIKE '%@secure.example';
