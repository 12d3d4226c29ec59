/** The Eureka registry's URI, provider, HTTP client, JSON format and watches; not an API. */
package dev.beacon.registry.eureka.internal;
