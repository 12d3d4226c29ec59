-- Registers or replaces one instance under a lease timed by the Redis server's clock.
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3..4] maintenance hash and deadlines, KEYS[5] services index
-- (optional)
-- ARGV[1] id, ARGV[2] json, ARGV[3] ttl ms, ARGV[4] events channel, ARGV[5] key grace ms, ARGV[6] service
-- Returns the new deadline (server ms).
local now = server_now()
local id, json, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local expires = now + ttl
local oldScore = redis.call('ZSCORE', KEYS[2], id)
local old = redis.call('HGET', KEYS[1], id)
redis.call('HSET', KEYS[1], id, json)
redis.call('ZADD', KEYS[2], expires, id)
keep_service_keys(ttl + tonumber(ARGV[5]))
local live = oldScore and tonumber(oldScore) > now
if old and not live then
  publish_change(ARGV[4], 'EXPIRED', old, id, now)
end
if not old or not live then
  publish_change(ARGV[4], 'REGISTERED', json, id, now)
elseif old ~= json then
  publish_change(ARGV[4], 'UPDATED', json, id, now)
end
if KEYS[5] then
  -- not ZADD GT: a shorter ttl than before may have moved the service's latest deadline back
  index_latest_lease(ARGV[6], now)
end
return expires
