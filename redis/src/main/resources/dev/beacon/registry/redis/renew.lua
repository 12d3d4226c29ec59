-- Extends a live lease by the TTL stored with the instance. Returns that TTL (ms) when the lease was extended, or -1
-- when the instance is not registered or its lease already ran out (then it is removed and EXPIRED published).
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3..4] maintenance hash and deadlines, KEYS[5] services index
-- (optional)
-- ARGV[1] id, ARGV[2] events channel, ARGV[3] key grace ms, ARGV[4] service
local now = server_now()
local id = ARGV[1]
local score = redis.call('ZSCORE', KEYS[2], id)
local json = redis.call('HGET', KEYS[1], id)
if not score or not json or tonumber(score) <= now then
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  if json and score then
    publish_change(ARGV[2], 'EXPIRED', json, id, now)
  end
  return -1
end
-- the field EntryCodec writes beside the instance
local ttl = tonumber(cjson.decode(json)['ttlMillis'])
local expires = now + ttl
redis.call('ZADD', KEYS[2], expires, id)
keep_service_keys(ttl + tonumber(ARGV[3]))
if KEYS[5] then
  redis.call('ZADD', KEYS[5], 'GT', expires, ARGV[4])
end
return ttl
