package dev.beacon.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS and read-protection options of {@code serve} that cannot work together: each is refused before anything
 * starts, with exit code 2 and one line. ({@code ServeTlsIT} runs the working combinations and the bad files from the
 * real jar.)
 */
class ServeCommandTest {

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run serve(String... options) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> args = new ArrayList<>(List.of("serve", "--registry", "memory:", "--port", "0",
                "--check-interval", "0"));
        args.addAll(List.of(options));
        int code = BeaconCommand.execute(args.toArray(String[]::new), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private void assertRefused(Run run, String message) {
        assertThat(run.code()).as(run.err()).isEqualTo(BeaconCommand.USAGE);
        assertThat(run.err()).isEqualTo("beacon serve: " + message + System.lineSeparator());
        assertThat(run.out()).isEmpty();
    }

    @Test
    void serve_keystorePasswordOnTheCommandLine_isRefusedWithoutEchoingIt() {
        for (String[] options : new String[][]{{"--keystore-password", "hunter2-pw"},
            {"--keystore-password=hunter2-pw"}, {"--keystore", "ks.p12", "--keystore-password", "hunter2-pw"}}) {
            Run run = serve(options);
            assertRefused(run, "--keystore-password is not accepted: a password on the command line is visible to "
                    + "every user of this machine; put it in a file readable by you only (--keystore-password-file "
                    + "FILE) or in $BEACON_KEYSTORE_PASSWORD");
            assertThat(run.err()).doesNotContain("hunter2");
        }
    }

    @Test
    void serve_protectReadsWithoutAToken_isRefused() {
        assertRefused(serve("--protect-reads"), "--protect-reads needs a token: set --token or BEACON_TOKEN");
    }

    @Test
    void serve_halfOrDoubleTlsConfigurations_areRefused() {
        String cert = dir.resolve("cert.pem").toString();
        String key = dir.resolve("key.pem").toString();
        String keystore = dir.resolve("ks.p12").toString();
        assertRefused(serve("--tls-cert", cert), "--tls-cert needs --tls-key, the private key of the certificate");
        assertRefused(serve("--tls-key", key), "--tls-key needs --tls-cert, the certificate chain of the key");
        assertRefused(serve("--tls-cert", cert, "--tls-key", key, "--keystore", keystore),
                "choose --tls-cert with --tls-key (PEM) or --keystore (PKCS#12), not both");
        assertRefused(serve("--keystore-password-file", key),
                "--keystore-password-file is the password of --keystore, which is not set");
        assertRefused(serve("--keystore", keystore),
                "--keystore needs its password: --keystore-password-file FILE or $BEACON_KEYSTORE_PASSWORD");
    }

    @Test
    void serve_missingFiles_areNamed() {
        Path cert = dir.resolve("cert.pem");
        Path password = dir.resolve("password");
        assertRefused(serve("--tls-cert", cert.toString(), "--tls-key", dir.resolve("key.pem").toString()),
                "cannot read the TLS certificate file " + cert + ": no such file");
        assertRefused(serve("--keystore", dir.resolve("ks.p12").toString(), "--keystore-password-file",
                password.toString()), "cannot read the keystore password file " + password + ": no such file");
    }
}
