package org.springframework.cloud.zookeeper.discovery;

import java.util.HashMap;
import java.util.Map;

/**
 * The shape of Spring Cloud Zookeeper's payload class, under its name, written for the tests from its documented
 * JSON form ({@code id}, {@code name}, {@code metadata}): what a Spring Cloud Zookeeper discovery client deserializes
 * a Curator instance's payload into. Not Spring's code.
 */
public class ZookeeperInstance {
    private String id;
    private String name;
    private Map<String, String> metadata = new HashMap<>();

    public String getId() {
        return id;
    }

    public void setId(String id) {
        this.id = id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public Map<String, String> getMetadata() {
        return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }
}
