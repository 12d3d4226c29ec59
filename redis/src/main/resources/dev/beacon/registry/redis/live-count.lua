-- How many leases of one service are still running. KEYS[1] instances hash (unused), KEYS[2] leases zset.
return redis.call('ZCOUNT', KEYS[2], '(' .. server_now(), '+inf')
