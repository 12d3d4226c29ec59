package dev.beacon.servers.apps;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;

import java.io.IOException;
import java.nio.file.Files;

/**
 * Embedded Tomcat with its default (NIO) HTTP connector on all interfaces and one servlet. Args: {@code [port]}.
 * Tomcat's work files go to a temporary directory.
 */
public final class TomcatApp {

    private TomcatApp() {
    }

    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("tomcat-app").toString());
        tomcat.setPort(Apps.port(args, 0));
        tomcat.getConnector();
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "hello", new HttpServlet() {
            private static final long serialVersionUID = 1L;

            @Override
            protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.setContentType("text/plain");
                response.getWriter().println("hello");
            }
        });
        context.addServletMappingDecoded("/", "hello");
        tomcat.start();
        System.out.println("tomcat " + ServerInfo.getServerNumber());
        Apps.listening(tomcat.getConnector().getLocalPort());
        tomcat.getServer().await();
    }
}
