// PKIXCheck judges certificate chains as Java's TLS client judges a server's
// chain, for the stacks differential test (stacks_test.go). One JVM for all
// cases: it reads a directory with one directory per case, each holding
//
//	params       four lines: case id, validation time (Unix seconds),
//	             peer name kind (DNS, IP or NONE), peer name value
//	peer.pem     the server's certificate
//	inter.pem    untrusted intermediates (may be empty)
//	trusted.pem  trust anchors
//
// and prints one line per case: "id ACCEPT|REFUSE reason".
//
// Per case: CertPathBuilder("PKIX") with PKIXBuilderParameters (anchors =
// trusted.pem, target = the peer, CertStore = intermediates + peer, date =
// the validation time, revocation off); then the end-entity checks of
// sun.security.validator.EndEntityChecker for a TLS server that do not
// depend on the negotiated key exchange: an EKU, when present, must hold
// serverAuth, anyExtendedKeyUsage or one of the two SGC OIDs, and a Netscape cert type, when present,
// must allow an SSL server; then the name with
// sun.security.util.HostnameChecker (TYPE_TLS), which falls back to the
// subject CN when there is no dNSName SAN, as the JDK's TLS client does.
// The name is checked after the path, on the same certificate object, as
// X509TrustManagerImpl does (validate, then checkIdentity). That order
// matters in JDK 17: NameConstraintsExtension.verify adds a CN that looks
// like an IP address (or a DNS name) to the leaf's own in-memory SAN list
// when the SAN has none of that type, so after a path with name
// constraints the host name check matches that CN too.
//
// Build and run (the test does this in a temporary directory):
//
//	javac --add-exports java.base/sun.security.util=ALL-UNNAMED -d OUT PKIXCheck.java
//	java --add-exports java.base/sun.security.util=ALL-UNNAMED -cp OUT PKIXCheck CASES
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import sun.security.util.HostnameChecker;

public final class PKIXCheck {
    private static final String EKU_SERVER = "1.3.6.1.5.5.7.3.1";
    private static final String EKU_ANY = "2.5.29.37.0";
    // Server-Gated Cryptography, which EndEntityChecker still takes as serverAuth.
    private static final String EKU_MS_SGC = "1.3.6.1.4.1.311.10.3.3";
    private static final String EKU_NS_SGC = "2.16.840.1.113730.4.1";
    private static final String EXT_NETSCAPE_CERT_TYPE = "2.16.840.1.113730.1.1";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: PKIXCheck CASES-DIRECTORY");
            System.exit(2);
        }
        List<Path> dirs = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Paths.get(args[0]))) {
            for (Path p : ds) {
                if (Files.isDirectory(p)) {
                    dirs.add(p);
                }
            }
        }
        dirs.sort(null);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        for (Path d : dirs) {
            List<String> params = Files.readAllLines(d.resolve("params"), StandardCharsets.UTF_8);
            String id = params.get(0);
            String verdict;
            try {
                check(d, Long.parseLong(params.get(1)), params.get(2), params.size() > 3 ? params.get(3) : "");
                verdict = "ACCEPT ok";
            } catch (Exception e) {
                verdict = "REFUSE " + oneLine(e);
            }
            out.println(id + " " + verdict);
        }
        out.flush();
    }

    static void check(Path d, long unix, String kind, String name) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        List<X509Certificate> peer = read(cf, d.resolve("peer.pem"), "peer");
        List<X509Certificate> inter = read(cf, d.resolve("inter.pem"), "intermediates");
        List<X509Certificate> trusted = read(cf, d.resolve("trusted.pem"), "trusted");
        if (peer.size() != 1) {
            throw new CertificateException("peer.pem holds " + peer.size() + " certificates");
        }
        X509Certificate leaf = peer.get(0);
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate c : trusted) {
            anchors.add(new TrustAnchor(c, null));
        }
        if (anchors.isEmpty()) {
            throw new CertificateException("no trust anchors");
        }
        X509CertSelector target = new X509CertSelector();
        target.setCertificate(leaf);
        PKIXBuilderParameters p = new PKIXBuilderParameters(anchors, target);
        p.setRevocationEnabled(false);
        p.setDate(new Date(unix * 1000L));
        List<Certificate> store = new ArrayList<>(inter);
        store.add(leaf);
        p.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(store)));
        CertPathBuilder.getInstance("PKIX").build(p);

        // sun.security.validator.EndEntityChecker, TLS server variant.
        List<String> eku = leaf.getExtendedKeyUsage();
        if (eku != null && !eku.contains(EKU_SERVER) && !eku.contains(EKU_ANY)
                && !eku.contains(EKU_MS_SGC) && !eku.contains(EKU_NS_SGC)) {
            throw new CertificateException("Extended key usage does not permit use for TLS server authentication");
        }
        byte[] ns = leaf.getExtensionValue(EXT_NETSCAPE_CERT_TYPE);
        if (ns != null && !netscapeAllowsSSLServer(ns)) {
            throw new CertificateException("Netscape cert type does not permit use for SSL server");
        }
        if (!kind.equals("NONE")) {
            HostnameChecker.getInstance(HostnameChecker.TYPE_TLS).match(name, leaf);
        }
    }

    // netscapeAllowsSSLServer reads the BIT STRING inside the extension's
    // OCTET STRING: bit 1 (0x40 of the first byte) is SSL server.
    static boolean netscapeAllowsSSLServer(byte[] ext) throws CertificateException {
        // ext: OCTET STRING { BIT STRING { unused, bits... } }, short forms.
        if (ext.length < 5 || ext[0] != 0x04 || ext[2] != 0x03) {
            throw new CertificateException("malformed Netscape cert type");
        }
        int len = ext[3];
        if (len < 2) {
            return false;
        }
        return (ext[5] & 0x40) != 0;
    }

    static List<X509Certificate> read(CertificateFactory cf, Path p, String what) throws Exception {
        byte[] b = Files.readAllBytes(p);
        List<X509Certificate> out = new ArrayList<>();
        if (new String(b, StandardCharsets.US_ASCII).trim().isEmpty()) {
            return out;
        }
        Collection<? extends Certificate> cs;
        try {
            cs = cf.generateCertificates(new ByteArrayInputStream(b));
        } catch (CertificateException e) {
            throw new CertificateException("cannot parse " + what + ": " + oneLine(e), e);
        }
        for (Certificate c : cs) {
            out.add((X509Certificate) c);
        }
        return out;
    }

    static String oneLine(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
        sb.append(": ").append(e.getMessage());
        Throwable c = e.getCause();
        if (c != null && c != e && c.getMessage() != null && !String.valueOf(e.getMessage()).contains(c.getMessage())) {
            sb.append(" (").append(c.getMessage()).append(')');
        }
        return sb.toString().replace('\n', ' ').replace('\r', ' ');
    }
}
