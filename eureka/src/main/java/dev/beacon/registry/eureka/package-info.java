/** The Netflix Eureka registry, through Eureka's REST API: {@link dev.beacon.registry.eureka.EurekaServiceRegistry}. */
package dev.beacon.registry.eureka;
