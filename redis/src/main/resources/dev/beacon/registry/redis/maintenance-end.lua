-- Lifts the maintenance of an instance, live or not; publishes UPDATED (its registered status) when it is live.
-- Returns 1 if a maintenance was in force, else 0.
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3] maintenance hash, KEYS[4] maintenance deadlines
-- ARGV[1] id, ARGV[2] events channel
local now = server_now()
end_due_maintenance(ARGV[2], now)
local id = ARGV[1]
local current = maintenance_of(id, now)
redis.call('HDEL', KEYS[3], id)
redis.call('ZREM', KEYS[4], id)
if not current then
  return 0
end
local score = redis.call('ZSCORE', KEYS[2], id)
local json = redis.call('HGET', KEYS[1], id)
if score and json and tonumber(score) > now then
  publish_change(ARGV[2], 'UPDATED', json, id, now)
end
return 1
