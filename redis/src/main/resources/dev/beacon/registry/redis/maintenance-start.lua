-- Puts a live instance in maintenance, or changes the maintenance it is in (keeping the start of one in force), and
-- publishes UPDATED with it. Returns the stored record, or false when the instance has no live lease.
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3] maintenance hash, KEYS[4] maintenance deadlines
-- ARGV[1] id, ARGV[2] reason, ARGV[3] by, ARGV[4] duration ms (0: until lifted), ARGV[5] events channel
local now = server_now()
end_due_maintenance(ARGV[5], now)
local id = ARGV[1]
local score = redis.call('ZSCORE', KEYS[2], id)
local json = redis.call('HGET', KEYS[1], id)
if not score or not json or tonumber(score) <= now then
  return false
end
local current = maintenance_of(id, now)
local since = now
if current then
  local kept = cjson.decode(current)['since']
  if kept <= now then since = kept end
end
-- the shape of InstanceCodec.maintenanceToMap; times in whole milliseconds of the server's clock
local record = '{"v":1,"reason":' .. cjson.encode(ARGV[2]) .. ',"by":' .. cjson.encode(ARGV[3])
    .. ',"since":' .. string.format('%d', since)
local duration = tonumber(ARGV[4])
if duration > 0 then
  record = record .. ',"until":' .. string.format('%d', now + duration) .. '}'
  redis.call('ZADD', KEYS[4], now + duration, id)
else
  record = record .. '}'
  redis.call('ZREM', KEYS[4], id)
end
redis.call('HSET', KEYS[3], id, record)
if record ~= current then
  publish_change(ARGV[5], 'UPDATED', json, id, now)
end
return record
