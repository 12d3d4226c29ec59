package dev.beacon.frameworks.dropwizard;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.core.Application;
import io.dropwizard.core.Configuration;
import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** A plain Dropwizard app: {@code java ... LedgerApplication server config.yml}; one health check on its admin port. */
public class LedgerApplication extends Application<Configuration> {

    public static void main(String[] args) throws Exception {
        new LedgerApplication().run(args);
    }

    @Override
    public void run(Configuration configuration, Environment environment) {
        environment.jersey().register(new Hello());
        environment.healthChecks().register("ledger", new HealthCheck() {
            @Override
            protected Result check() {
                return Result.healthy();
            }
        });
    }

    /** GET / answers the app's name. */
    @Path("/")
    public static class Hello {
        @GET
        @Produces(MediaType.TEXT_PLAIN)
        public String hello() {
            return "ledger";
        }
    }
}
