-- Put before every script of the registry by RedisScript: the one definition of the server's clock, of the change
-- messages watchers receive (EntryCodec reads them), of how long a service's keys live, and of the services index.
-- The scripts about one service get KEYS[1] its instances hash (id -> JSON), KEYS[2] its leases sorted set (id ->
-- deadline, server ms) and, where the services index shares their node (not in a Cluster), KEYS[3] that index;
-- services.lua and index.lua get the index as KEYS[1].

-- Now, in milliseconds of the Redis server's clock: every lease is timed by it, never by a client's.
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Publishes one change of an instance: {"type":"REGISTERED|UPDATED|DEREGISTERED|EXPIRED","instance":<stored JSON>}.
local function publish_change(channel, change, json)
  redis.call('PUBLISH', channel, '{"type":"' .. change .. '","instance":' .. json .. '}')
end

-- Keeps the service's two keys at least keep_ms longer, so that they vanish on their own once no member renews.
local function keep_service_keys(keep_ms)
  for i = 1, 2 do
    if redis.call('PTTL', KEYS[i]) < keep_ms then redis.call('PEXPIRE', KEYS[i], keep_ms) end
  end
end

-- Sets the service's score in the services index to its latest lease deadline, or removes it when none is live.
local function index_latest_lease(service, now)
  local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
  if #last == 0 or tonumber(last[2]) <= now then
    redis.call('ZREM', KEYS[3], service)
  else
    redis.call('ZADD', KEYS[3], last[2], service)
  end
end

