-- Removes instances whose lease ran out and publishes EXPIRED for each (at most ARGV[2] per call), and maintenance
-- records that ended, publishing UPDATED for each live instance of them (its registered status shows again).
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3..4] maintenance hash and deadlines; ARGV[1] events channel,
-- ARGV[2] limit. Returns how many leases it removed.
local now = server_now()
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], id)
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
  if json then
    publish_change(ARGV[1], 'EXPIRED', json, id, now)
  end
end
end_due_maintenance(ARGV[1], now)
return #ids
