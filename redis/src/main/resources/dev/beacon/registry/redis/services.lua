-- The services with a lease still running, from the services index (never KEYS or SCAN). Drops index entries whose
-- last lease ended more than ARGV[1] ms ago. KEYS[1] services index.
local now = server_now()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
