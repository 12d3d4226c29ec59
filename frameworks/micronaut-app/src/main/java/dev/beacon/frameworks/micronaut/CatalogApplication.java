package dev.beacon.frameworks.micronaut;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.runtime.Micronaut;

/** A plain Micronaut app: its name and port are in application.yml, its health in micronaut-management. */
@Controller("/")
public class CatalogApplication {

    public static void main(String[] args) {
        Micronaut.run(CatalogApplication.class, args);
        System.out.println("catalog: started");
    }

    @Get(produces = "text/plain")
    public String hello() {
        return "catalog";
    }
}
