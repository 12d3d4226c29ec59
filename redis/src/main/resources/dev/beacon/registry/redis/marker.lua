-- Publishes a watch marker from the node that owns the service's slot, where the service's events are published,
-- so that in a Cluster it reaches subscribers after every earlier event (one cluster-bus link keeps order).
-- KEYS[1] the service's instances hash (routing only); ARGV[1] channel, ARGV[2] message
redis.call('PUBLISH', ARGV[1], ARGV[2])
return 1
