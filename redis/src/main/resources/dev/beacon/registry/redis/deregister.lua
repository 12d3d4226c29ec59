-- Removes one instance. Returns 1 if it was live, 0 otherwise.
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3..4] maintenance hash and deadlines (left alone),
-- KEYS[5] services index (optional)
-- ARGV[1] id, ARGV[2] events channel, ARGV[3] service
local now = server_now()
local id = ARGV[1]
local score = redis.call('ZSCORE', KEYS[2], id)
local json = redis.call('HGET', KEYS[1], id)
redis.call('HDEL', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
local live = score and tonumber(score) > now
if json then
  publish_change(ARGV[2], live and 'DEREGISTERED' or 'EXPIRED', json, id, now)
end
if KEYS[5] then
  index_latest_lease(ARGV[3], now)
end
if live then return 1 end
return 0
