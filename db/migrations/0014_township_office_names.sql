-- Custom migration: township and street offices (departments of kind township_gov) were seeded
-- with a code for an English name ("350602007 street office", shown as the unit of a case in
-- English). The seed now names them with townshipOfficeName (data/generators/catalogue.ts):
-- "<English name> Street Office" where a township has an English name, else its Chinese office
-- name, since the townships have none. Databases seeded before get the same; a name that an
-- administrator has edited since (anything but the generated pattern) is left alone.
UPDATE departments SET name_en = name
WHERE kind = 'township_gov' AND name_en ~ '^[0-9]{9} (street|town|township|other) office$';
