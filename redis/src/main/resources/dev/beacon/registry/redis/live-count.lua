-- How many leases of one service are still running. KEYS[1] instances hash (unused), KEYS[2] leases zset,
-- KEYS[3..4] maintenance hash and deadlines (unused).
return redis.call('ZCOUNT', KEYS[2], '(' .. server_now(), '+inf')
