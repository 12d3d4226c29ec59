-- Cluster only: nominates a service in the services index until now + ttl (this node's clock). The service's own
-- leases, in another slot, stay the truth: services() confirms every candidate against them.
-- KEYS[1] services index; ARGV[1] service, ARGV[2] ttl ms
redis.call('ZADD', KEYS[1], 'GT', server_now() + tonumber(ARGV[2]), ARGV[1])
return 1
