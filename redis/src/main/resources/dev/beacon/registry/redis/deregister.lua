-- Removes one instance. Returns 1 if it was live, 0 otherwise.
-- KEYS[1] instances hash, KEYS[2] leases zset, KEYS[3] services index (optional)
-- ARGV[1] id, ARGV[2] events channel, ARGV[3] service
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local id = ARGV[1]
local score = redis.call('ZSCORE', KEYS[2], id)
local json = redis.call('HGET', KEYS[1], id)
redis.call('HDEL', KEYS[1], id)
redis.call('ZREM', KEYS[2], id)
local live = score and tonumber(score) > now
if json then
  redis.call('PUBLISH', ARGV[2], '{"type":"' .. (live and 'DEREGISTERED' or 'EXPIRED') .. '","instance":' .. json .. '}')
end
if KEYS[3] then
  -- keep the index exact: the service's score is the latest lease still held
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if #last == 0 or tonumber(last[2]) <= now then
    redis.call('ZREM', KEYS[3], ARGV[3])
  else
    redis.call('ZADD', KEYS[3], last[2], ARGV[3])
  end
end
if live then return 1 end
return 0
