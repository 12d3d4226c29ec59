-- Put before every script of the registry by RedisScript: the one definition of the server's clock, of the change
-- messages watchers receive (EntryCodec reads them), of how long a service's keys live, of the services index and of
-- maintenance records. The scripts about one service get KEYS[1] its instances hash (id -> JSON), KEYS[2] its leases
-- sorted set (id -> deadline, server ms), KEYS[3] its maintenance hash (id -> maintenance JSON, kept apart from the
-- registration), KEYS[4] its maintenance deadlines sorted set (id -> deadline, server ms, for the records that have
-- one) and, where the services index shares their node (not in a Cluster), KEYS[5] that index; services.lua and
-- index.lua get the index as KEYS[1]. Every command the scripts run is in the minimal ACL of docs/registries.md.

-- Now, in milliseconds of the Redis server's clock: every lease is timed by it, never by a client's.
local function server_now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- Whether a stored maintenance record is in force at now: readable, and without a deadline or with one after now.
local function in_force(record, now)
  if not record then return false end
  local ok, decoded = pcall(cjson.decode, record)
  if not ok or type(decoded) ~= 'table' or type(decoded['since']) ~= 'number' then return false end
  local deadline = decoded['until']
  if deadline == nil or deadline == cjson.null then return true end
  return type(deadline) == 'number' and deadline > now
end

-- The maintenance record of id in force at now, or nil.
local function maintenance_of(id, now)
  local record = redis.call('HGET', KEYS[3], id)
  if in_force(record, now) then return record end
  return nil
end

-- The maintenance records in force at now among ids, as id1, record1, id2, record2, ... (HMGET in chunks: unpack()
-- of more than a few thousand values overflows Lua's C stack).
local function maintenance_among(ids, now)
  local result = {}
  for i = 1, #ids, 1000 do
    local chunk = {}
    for j = i, math.min(i + 999, #ids) do chunk[#chunk + 1] = ids[j] end
    local records = redis.call('HMGET', KEYS[3], unpack(chunk))
    for j = 1, #records do
      if in_force(records[j], now) then
        result[#result + 1] = chunk[j]
        result[#result + 1] = records[j]
      end
    end
  end
  return result
end

-- Publishes one change of instance id: {"type":"REGISTERED|UPDATED|DEREGISTERED|EXPIRED","instance":<stored JSON>},
-- plus "maintenance":<record> while a maintenance of the id is in force, so that watchers see what readers see.
local function publish_change(channel, change, json, id, now)
  local record = maintenance_of(id, now)
  if record then
    redis.call('PUBLISH', channel, '{"type":"' .. change .. '","instance":' .. json .. ',"maintenance":' .. record .. '}')
  else
    redis.call('PUBLISH', channel, '{"type":"' .. change .. '","instance":' .. json .. '}')
  end
end

-- Removes the maintenance records whose deadline (KEYS[4]: id -> deadline, for the records that have one) has passed,
-- and publishes UPDATED for each live instance of them: its registered status shows again. Records outlive the
-- instance's registration (a restarted app with the same id comes back in maintenance), so neither key expires: an
-- ended record is removed by the next sweep of a watching registry or the next maintenance change in the service.
local function end_due_maintenance(channel, now)
  local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now)
  for _, id in ipairs(due) do
    local record = maintenance_of(id, now)
    if record then -- set again since with a later deadline, or none
      local deadline = cjson.decode(record)['until']
      if type(deadline) == 'number' then
        redis.call('ZADD', KEYS[4], deadline, id)
      else
        redis.call('ZREM', KEYS[4], id)
      end
    else
      redis.call('ZREM', KEYS[4], id)
      redis.call('HDEL', KEYS[3], id)
      local score = redis.call('ZSCORE', KEYS[2], id)
      local json = redis.call('HGET', KEYS[1], id)
      if score and json and tonumber(score) > now then
        publish_change(channel, 'UPDATED', json, id, now)
      end
    end
  end
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
    redis.call('ZREM', KEYS[5], service)
  else
    redis.call('ZADD', KEYS[5], last[2], service)
  end
end

