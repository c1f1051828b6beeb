package org.openpista.tool.browser.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UrlPolicyTest {

    /** A resolver with fixed answers, so no test asks real DNS. */
    static final Map<String, String> DNS = Map.of(
            "example.org", "93.184.215.14",
            "intranet.corp.example", "10.20.30.40",
            "rebind.example", "169.254.169.254",
            "mixed.example", "93.184.215.14,192.168.1.9",
            "v6.example", "2606:2800:220:1::248");

    static UrlPolicy policy(List<String> allowed, List<String> blocked, Set<Integer> ownPorts) {
        List<String> problems = new ArrayList<>();
        UrlPolicy policy = new UrlPolicy(UrlPolicy.rules(allowed.toArray(String[]::new), "allowed_hosts", problems),
                UrlPolicy.rules(blocked.toArray(String[]::new), "blocked_hosts", problems), () -> ownPorts,
                UrlPolicyTest::resolve);
        assertThat(problems).isEmpty();
        return policy;
    }

    static UrlPolicy defaults() {
        return policy(List.of(), List.of(), Set.of());
    }

    static InetAddress[] resolve(String host) throws UnknownHostException {
        String answer = DNS.get(host);
        if (answer == null) {
            if (host.matches("[0-9.]+|[0-9a-f:.]*:[0-9a-f:.]*")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (String address : answer.split(",")) {
            addresses.add(InetAddress.getByName(address));
        }
        return addresses.toArray(InetAddress[]::new);
    }

    @Nested
    class ByDefault {

        @Test
        void publicSitesOpen() {
            assertThat(defaults().refusal("https://example.org/path?q=1")).isNull();
            assertThat(defaults().refusal("http://93.184.215.14:8080/")).isNull();
            assertThat(defaults().refusal("https://v6.example/")).isNull();
        }

        @Test
        void cloudMetadataIsRefused() {
            assertThat(defaults().refusal("http://169.254.169.254/latest/meta-data/"))
                    .contains("169.254.169.254 is a cloud metadata address").contains("allowed_hosts");
            assertThat(defaults().refusal("http://[fd00:ec2::254]/latest/meta-data/")).contains("cloud metadata");
            assertThat(defaults().refusal("http://100.100.100.200/")).contains("cloud metadata");
        }

        @Test
        void linkLocalAndPrivateRangesAreRefused() {
            assertThat(defaults().refusal("http://169.254.10.1/")).contains("link-local");
            assertThat(defaults().refusal("http://[fe80::1]/")).contains("link-local");
            for (String url : List.of("http://10.0.0.1/", "http://172.16.5.4/", "http://172.31.255.255/",
                    "http://192.168.1.1/", "http://[fd12:3456::1]/", "http://100.64.0.1/")) {
                assertThat(defaults().refusal(url)).as(url).contains("private network address");
            }
            assertThat(defaults().refusal("http://172.32.0.1/")).as("just outside 172.16/12").isNull();
        }

        @Test
        void thisMachineIsRefused() {
            assertThat(defaults().refusal("http://127.0.0.1:3210/")).contains("loopback");
            assertThat(defaults().refusal("http://127.8.9.10/")).contains("loopback");
            assertThat(defaults().refusal("http://[::1]/")).contains("loopback");
            assertThat(defaults().refusal("http://localhost:8080/")).contains("loopback");
            assertThat(defaults().refusal("http://app.localhost/")).as("Chromium resolves *.localhost itself")
                    .contains("loopback");
            assertThat(defaults().refusal("http://0.0.0.0:3210/")).contains("unspecified");
        }

        @Test
        void ipv4HiddenInIpv6IsSeen() {
            assertThat(defaults().refusal("http://[::ffff:169.254.169.254]/")).contains("metadata");
            assertThat(defaults().refusal("http://[64:ff9b::a9fe:a9fe]/")).as("NAT64 of 169.254.169.254")
                    .contains("metadata");
            assertThat(defaults().refusal("http://[::ffff:7f00:1]/")).contains("loopback");
        }

        @Test
        void namesCountWithTheAddressesTheyResolveTo() {
            assertThat(defaults().refusal("http://intranet.corp.example/")).contains("resolves to 10.20.30.40")
                    .contains("private");
            assertThat(defaults().refusal("http://rebind.example/")).contains("resolves to 169.254.169.254");
            assertThat(defaults().refusal("http://mixed.example/")).as("one private address is enough")
                    .contains("192.168.1.9");
        }

        @Test
        void schemesOtherThanHttpAreRefused() {
            for (String url : List.of("file:///etc/passwd", "chrome://settings", "chrome-extension://abc/x.html",
                    "javascript:alert(1)", "data:text/html,hi", "view-source:https://example.org/", "ftp://example.org/",
                    "devtools://devtools/bundled/inspector.html")) {
                assertThat(defaults().refusal(url)).as(url).contains("are refused").contains("http and https");
            }
            assertThat(defaults().refusal("about:blank")).isNull();
        }
    }

    @Nested
    class Lists {

        @Test
        void allowedHostsNarrowToTheirEntries() {
            UrlPolicy policy = policy(List.of("example.org"), List.of(), Set.of());
            assertThat(policy.refusal("https://example.org/")).isNull();
            assertThat(policy.refusal("https://v6.example/")).contains("not in [tools.browser] allowed_hosts");
        }

        @Test
        void anExplicitEntryOpensAPrivateAddress() {
            assertThat(policy(List.of("127.0.0.1"), List.of(), Set.of()).refusal("http://127.0.0.1:8080/")).isNull();
            assertThat(policy(List.of("10.0.0.0/8"), List.of(), Set.of()).refusal("http://intranet.corp.example/"))
                    .isNull();
            assertThat(policy(List.of("*.corp.example"), List.of(), Set.of()).refusal("http://intranet.corp.example/"))
                    .isNull();
            assertThat(policy(List.of("localhost"), List.of(), Set.of()).refusal("http://localhost:5173/")).isNull();
        }

        @Test
        void theWildcardOpensPublicSitesOnly() {
            UrlPolicy policy = policy(List.of("*", "192.168.1.20"), List.of(), Set.of());
            assertThat(policy.refusal("https://example.org/")).isNull();
            assertThat(policy.refusal("http://192.168.1.20/")).isNull();
            assertThat(policy.refusal("http://192.168.1.21/")).contains("private");
            assertThat(policy.refusal("http://169.254.169.254/")).contains("metadata");
        }

        @Test
        void portsNarrowAnEntry() {
            UrlPolicy policy = policy(List.of("127.0.0.1:8080", "[::1]:9000"), List.of(), Set.of());
            assertThat(policy.refusal("http://127.0.0.1:8080/")).isNull();
            assertThat(policy.refusal("http://127.0.0.1:8081/")).contains("loopback");
            assertThat(policy.refusal("http://[::1]:9000/")).isNull();
        }

        @Test
        void blockedHostsWinOverEverything() {
            UrlPolicy policy = policy(List.of("*", "10.0.0.0/8"), List.of("*.ads.example", "example.org", "10.9.0.0/16"),
                    Set.of());
            assertThat(policy.refusal("https://example.org/")).contains("blocked by [tools.browser] blocked_hosts")
                    .contains("example.org");
            assertThat(policy.refusal("https://tracker.ads.example/")).contains("*.ads.example");
            assertThat(policy.refusal("http://10.9.8.7/")).contains("10.9.0.0/16");
            assertThat(policy.refusal("http://10.8.0.1/")).isNull();
        }

        @Test
        void openpistasOwnPortsStayClosedWhateverIsAllowed() {
            UrlPolicy policy = policy(List.of("127.0.0.1", "localhost"), List.of(), Set.of(3210));
            assertThat(policy.refusal("http://127.0.0.1:3210/")).contains("openpista's own port");
            assertThat(policy.refusal("http://localhost:3210/chat")).contains("openpista's own port");
            assertThat(policy.refusal("http://127.0.0.1:3211/")).isNull();
        }

        @Test
        void entriesThatAreNoHostAreReported() {
            List<String> problems = new ArrayList<>();
            List<HostRule> rules = UrlPolicy.rules(new String[] {"ok.example", "10.0.0.0/40", "bad host", "[::1",
                    "127.0.0.1:99999", ""}, "allowed_hosts", problems);
            assertThat(rules).extracting(HostRule::entry).containsExactly("ok.example");
            assertThat(problems).hasSize(4).allMatch(problem -> problem.contains("allowed_hosts"));
        }
    }

    @Nested
    class Targets {

        @Test
        void aMissingSchemeBecomesHttps() {
            assertThat(defaults().target("example.org/docs").toString()).isEqualTo("https://example.org/docs");
            assertThat(defaults().target(" https://example.org ").toString()).isEqualTo("https://example.org");
        }

        @Test
        void refusedTargetsAreBlockedUrlErrors() {
            assertThatThrownBy(() -> defaults().target("file:///etc/passwd")).isInstanceOf(BrowserException.class)
                    .satisfies(e -> assertThat(((BrowserException) e).render()).startsWith("blocked_url: file: URLs"));
            assertThatThrownBy(() -> defaults().target("http://169.254.169.254/"))
                    .satisfies(e -> assertThat(((BrowserException) e).kind()).isEqualTo(BrowserException.Kind.BLOCKED_URL));
            assertThatThrownBy(() -> defaults().target("   ")).satisfies(
                    e -> assertThat(((BrowserException) e).kind()).isEqualTo(BrowserException.Kind.INVALID_ARGUMENTS));
        }
    }
}
