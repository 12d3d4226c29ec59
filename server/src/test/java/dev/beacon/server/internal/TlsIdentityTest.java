package dev.beacon.server.internal;

import dev.beacon.testing.TlsFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Loading a server's TLS identity from what operators have at hand, and one clear message for each mistake. */
class TlsIdentityTest {

    @TempDir
    Path dir;

    private TlsFiles files;

    @BeforeEach
    void files() {
        files = TlsFiles.in(dir);
    }

    private static String pemError(Path certificate, Path key) {
        return assertThrows(IllegalArgumentException.class, () -> TlsIdentity.fromPem(certificate, key))
                .getMessage();
    }

    private static String keystoreError(Path keystore, String password) {
        return assertThrows(IllegalArgumentException.class,
                () -> TlsIdentity.fromPkcs12(keystore, password == null ? null : password.toCharArray()))
                .getMessage();
    }

    // That only TLS 1.2 and 1.3 are offered, even where java.security allows older protocols, is checked end to end
    // by ServeTlsIT: under the JDK's default java.security the parameters would list these two anyway.
    @Test
    void describe_namesSubjectKeyAlgorithmAndExpiry() {
        TlsFiles.Pem ec = files.ec();

        TlsIdentity identity = TlsIdentity.fromPem(ec.certificate(), ec.key());

        assertThat(identity.describe()).matches("CN=localhost, EC, valid until 20\\d\\d-\\d\\d-\\d\\dT.*Z");
        assertThat(identity.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
    }

    @Test
    void fromPem_missingFiles_nameTheFile() {
        TlsFiles.Pem rsa = files.rsa();

        assertThat(pemError(dir.resolve("nope.pem"), rsa.key()))
                .isEqualTo("cannot read the TLS certificate file " + dir.resolve("nope.pem") + ": no such file");
        assertThat(pemError(rsa.certificate(), dir.resolve("nokey.pem")))
                .isEqualTo("cannot read the TLS private key file " + dir.resolve("nokey.pem") + ": no such file");
    }

    @Test
    void fromPem_filesSwapped_sayWhichIsWhich() {
        TlsFiles.Pem rsa = files.rsa();

        assertThat(pemError(rsa.key(), rsa.certificate())).isEqualTo("the TLS certificate file " + rsa.key()
                + " holds no PEM certificate but a private key: give the certificate chain as the certificate and "
                + "the key as the key");
        assertThat(pemError(rsa.certificate(), rsa.certificate())).isEqualTo("the TLS private key file "
                + rsa.certificate() + " holds a certificate but no private key: give the certificate chain as the "
                + "certificate and the key as the key");
    }

    @Test
    void fromPem_pkcs1Key_saysHowToConvertIt() {
        TlsFiles.Pem rsa = files.rsa();
        Path pkcs1 = files.pkcs1(rsa);

        assertThat(pemError(rsa.certificate(), pkcs1)).isEqualTo("the TLS private key in " + pkcs1 + " is a PKCS#1 "
                + "key (-----BEGIN RSA PRIVATE KEY-----); Beacon reads an unencrypted PKCS#8 key (-----BEGIN PRIVATE "
                + "KEY-----): convert it with 'openssl pkcs8 -topk8 -nocrypt -in " + pkcs1 + " -out key-pkcs8.pem'");
    }

    @Test
    void fromPem_encryptedKey_saysHowToDecryptIt() {
        TlsFiles.Pem ec = files.ec();
        Path encrypted = files.encrypted(ec);

        assertThat(pemError(ec.certificate(), encrypted)).isEqualTo("the TLS private key in " + encrypted
                + " is encrypted; Beacon reads an unencrypted PKCS#8 key (keep the file readable by the server's user "
                + "only): decrypt it with 'openssl pkcs8 -in " + encrypted + " -out key-pkcs8.pem' (it asks for the "
                + "passphrase), or use a PKCS#12 keystore with a password");
    }

    @Test
    void fromPem_keyOfAnotherCertificate_isRefused() {
        TlsFiles.Pem first = files.rsa();
        TlsFiles.Pem second = files.rsa();
        TlsFiles.Pem ec = files.ec();

        assertThat(pemError(first.certificate(), second.key())).isEqualTo("the private key in " + second.key()
                + " does not belong to the first certificate in " + first.certificate() + " (CN=localhost): give the "
                + "server's own certificate first, then its intermediates, and that certificate's key");
        assertThat(pemError(first.certificate(), ec.key())).startsWith("the private key in " + ec.key()
                + " is not a valid RSA key, as the certificate's key is (");
    }

    @Test
    void fromPem_notPemAtAll_saysWhatIsExpected() throws Exception {
        TlsFiles.Pem ec = files.ec();
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");

        assertThat(pemError(garbage, ec.key())).isEqualTo("the TLS certificate file " + garbage + " holds no PEM "
                + "certificate (expected -----BEGIN CERTIFICATE-----; a DER file converts with 'openssl x509 -inform "
                + "der -in " + garbage + " -out cert.pem')");
        assertThat(pemError(ec.certificate(), garbage)).isEqualTo("the TLS private key file " + garbage
                + " holds no PEM private key (expected an unencrypted PKCS#8 key, -----BEGIN PRIVATE KEY-----)");
    }

    @Test
    void fromPkcs12_wrongPassword_saysSo_withoutShowingIt() {
        Path keystore = files.pkcs12(files.rsa(), "right-pw-123");

        String message = keystoreError(keystore, "wrong-pw-456");

        assertThat(message).isEqualTo("cannot open the PKCS#12 keystore " + keystore + ": the password is wrong");
        assertThat(keystoreError(keystore, null)).isEqualTo("the PKCS#12 keystore " + keystore
                + " needs its password");
    }

    @Test
    void fromPkcs12_notAKeystore_orMissing_sayWhatIsExpected() {
        TlsFiles.Pem ec = files.ec();

        assertThat(keystoreError(ec.certificate(), "pw-123456")).startsWith("cannot read " + ec.certificate()
                + " as a PKCS#12 keystore (").endsWith("); expected a .p12/.pfx file, such as 'openssl pkcs12 -export "
                + "-in cert.pem -inkey key.pem -out server.p12' writes").doesNotContain("pw-123456");
        assertThat(keystoreError(dir.resolve("none.p12"), "pw-123456")).isEqualTo("cannot read the PKCS#12 keystore "
                + dir.resolve("none.p12") + ": no such file");
    }

    @Test
    void fromPkcs12_expiredCertificate_isRefusedAtStartup() {
        Path keystore = files.expiredPkcs12("expired-pw");

        assertThat(keystoreError(keystore, "expired-pw")).startsWith("the certificate in " + keystore
                + " (CN=localhost) expired at 20").endsWith("; renew it");
    }

    @Test
    void fromPem_pkcs12AndPemOfTheSameKey_describeTheSameCertificate() {
        TlsFiles.Pem rsa = files.rsa();

        assertThat(TlsIdentity.fromPkcs12(files.pkcs12(rsa, "pw-123456"), "pw-123456".toCharArray()).describe())
                .isEqualTo(TlsIdentity.fromPem(rsa.certificate(), rsa.key()).describe());
    }
}
