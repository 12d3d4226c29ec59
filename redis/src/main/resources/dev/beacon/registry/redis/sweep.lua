-- Removes instances whose lease ran out and publishes EXPIRED for each (at most ARGV[2] per call).
-- KEYS[1] instances hash, KEYS[2] leases zset; ARGV[1] events channel, ARGV[2] limit. Returns how many.
local now = server_now()
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  if json then
    publish_change(ARGV[1], 'EXPIRED', json)
  end
end
return #ids
