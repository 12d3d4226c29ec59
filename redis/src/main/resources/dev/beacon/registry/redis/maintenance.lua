-- The maintenance record of one instance in force now, live or not; false when there is none.
-- KEYS[1..2] instances hash and leases zset (unused), KEYS[3] maintenance hash, KEYS[4] maintenance deadlines
-- (unused); ARGV[1] id
return maintenance_of(ARGV[1], server_now()) or false
