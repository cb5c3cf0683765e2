import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLSClient connects to one TLS server as an OME appliance's Java client
 * would (inferred: OME's client side is most likely Java): it trusts only
 * the given root, presents the given client identity, offers TLS 1.2 with
 * OME's four suites only (whether OME's client offers TLS 1.3 is not
 * documented: this is the probe's model too),
 * checks no host name (the wizard takes an address), then sends one GET
 * and reads the HTTP status line (a server may refuse a client certificate
 * at the HTTP level).
 *
 * Usage: TLSClient HOST PORT ROOT.pem [CLIENT.pem CLIENT.key]
 * Prints one line: "ok PROTOCOL SUITE HTTP STATUS" or "fail CLASS: MESSAGE".
 * Only loopback addresses are used by the tests that run it.
 */
public class TLSClient {
    static final String[] OME_SUITES = {
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
    };

    public static void main(String[] args) {
        try {
            System.out.println(run(args));
        } catch (Exception e) {
            Throwable c = e;
            while (c.getCause() != null && c.getCause() != c) {
                c = c.getCause();
            }
            String msg = c.getMessage() == null ? "" : c.getMessage().replace('\n', ' ');
            System.out.println("fail " + c.getClass().getSimpleName() + ": " + msg);
        }
    }

    static String run(String[] args) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        int i = 0;
        for (Certificate c : readCerts(cf, Path.of(args[2]))) {
            trust.setCertificateEntry("root" + (i++), c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);

        KeyManagerFactory kmf = null;
        if (args.length >= 5) {
            List<Certificate> chain = readCerts(cf, Path.of(args[3]));
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = "x".toCharArray();
            ks.setKeyEntry("client", readKey(Path.of(args[4])), pw, chain.toArray(new Certificate[0]));
            kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, pw);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(args[0], Integer.parseInt(args[1]))) {
            s.setSoTimeout(10000);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(new String[] {"TLSv1.2"});
            p.setCipherSuites(OME_SUITES);
            s.setSSLParameters(p);
            s.startHandshake();
            String proto = s.getSession().getProtocol();
            String suite = s.getSession().getCipherSuite();
            OutputStream out = s.getOutputStream();
            out.write(("GET / HTTP/1.0\r\nHost: " + args[0] + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int b;
            while ((b = in.read()) != -1 && b != '\n' && line.length() < 200) {
                line.append((char) b);
            }
            String status = "none";
            String[] f = line.toString().trim().split(" ");
            if (f.length >= 2 && f[0].startsWith("HTTP/")) {
                status = f[1];
            }
            return "ok " + proto + " " + suite + " HTTP " + status;
        }
    }

    static List<Certificate> readCerts(CertificateFactory cf, Path p) throws Exception {
        Collection<? extends Certificate> cs = cf.generateCertificates(new ByteArrayInputStream(Files.readAllBytes(p)));
        return new ArrayList<>(cs);
    }

    static PrivateKey readKey(Path p) throws Exception {
        String pem = Files.readString(p);
        String b64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        byte[] der = Base64.getDecoder().decode(b64);
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }
}
