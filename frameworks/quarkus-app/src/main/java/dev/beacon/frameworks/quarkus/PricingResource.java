package dev.beacon.frameworks.quarkus;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A plain Quarkus REST resource; the app's name and port are in application.properties. */
@Path("/")
public class PricingResource {

    @GET
    @Produces(MediaType.TEXT_PLAIN)
    public String hello() {
        return "pricing";
    }
}
