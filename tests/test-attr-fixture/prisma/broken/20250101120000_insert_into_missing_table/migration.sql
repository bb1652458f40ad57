-- Fails on purpose: the table does not exist.
INSERT INTO missing_table (id) VALUES (1);
