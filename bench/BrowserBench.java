import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openpista.api.chat.Cancellation;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.browser.internal.BrowserService;
import org.openpista.tool.browser.internal.ClickTool;
import org.openpista.tool.browser.internal.NavigateTool;
import org.openpista.tool.browser.internal.SnapshotTool;
import org.osgi.framework.BundleContext;

/**
 * The browser tools' speed and size on local pages, driven through their public Tool services as DS
 * would make them (run by bench/browser.sh with the distribution's jars on the class path):
 * navigate + snapshot + click on a form (the first round starts Chromium), the characters of a large
 * page's snapshot against the budget, and Chromium's memory.
 *
 * Usage: java -cp ... bench/BrowserBench.java [ROUNDS] [HOME]
 */
public class BrowserBench {

    static final String FORM = """
            <!doctype html><title>Form</title><h1>Order</h1>
            <label>Name <input id="name"></label>
            <select id="size"><option>Small</option><option>Large</option></select>
            <button onclick="document.getElementById('out').textContent = 'Sent ' + Date.now()">Send</button>
            <p id="out">Nothing sent</p><a href="/next">Next</a>""";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        Path home = Files.createDirectories(Path.of(args.length > 1 ? args[1] : Files.createTempDirectory("bench")
                .toString()));
        HttpServer site = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        site.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                String html = path.startsWith("/big") ? big(Integer.parseInt(path.substring(5))) : FORM;
                byte[] body = html.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        site.start();
        String root = "http://127.0.0.1:" + site.getAddress().getPort();

        BrowserService service = new BrowserService(context(home), config(root));
        Tool navigate = new NavigateTool(service);
        Tool snapshot = new SnapshotTool(service);
        Tool click = new ClickTool(service);
        Map<String, List<Double>> times = new LinkedHashMap<>();
        try {
            long start = System.nanoTime();
            ToolResult first = call(navigate, "{\"url\": \"" + root + "/form\"}");
            double cold = (System.nanoTime() - start) / 1e6;
            String button = ref(first, "button \"Send\"");
            for (int i = 0; i < rounds; i++) {
                time(times, "navigate", () -> call(navigate, "{\"url\": \"" + root + "/form\"}"));
                time(times, "snapshot", () -> call(snapshot, "{}"));
                time(times, "click", () -> call(click, "{\"ref\": \"" + button + "\"}"));
            }
            System.out.printf(Locale.ROOT, "browser tools on local pages, %d rounds, %d cores, %s%n", rounds,
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            System.out.printf(Locale.ROOT, "  first navigate (starts Chromium)  %7.0f ms%n", cold);
            times.forEach((name, list) -> System.out.printf(Locale.ROOT, "  %-9s warm   p50 %6.1f ms   p99 %6.1f ms%n",
                    name, percentile(list, 50), percentile(list, 99)));

            for (int items : new int[] {100, 1000, 5000}) {
                long bigStart = System.nanoTime();
                ToolResult big = call(navigate, "{\"url\": \"" + root + "/big/" + items + "\"}");
                double ms = (System.nanoTime() - bigStart) / 1e6;
                Matcher pages = Pattern.compile("page 1 of (\\d+), (\\d+) characters in all").matcher(big.content());
                boolean cut = pages.find();
                String outline = big.content().substring(big.content().indexOf("```yaml"));
                System.out.printf(Locale.ROOT, "  page of %5d items: outline %7s characters in %3s pages; result %5d"
                        + " characters (budget 8000); navigate + snapshot %5.0f ms%n", items,
                        cut ? pages.group(2) : String.valueOf(outline.length()), cut ? pages.group(1) : "1",
                        big.content().length(), ms);
            }
            long[] memory = memory(home.resolve("browser/profile"));
            System.out.printf(Locale.ROOT, "  Chromium: %d processes, RSS %d MB (sum), PSS %d MB (sum, shared pages"
                    + " split)%n", memory[0], memory[1] / 1024, memory[2] / 1024);
        } finally {
            Method deactivate = BrowserService.class.getDeclaredMethod("deactivate");
            deactivate.setAccessible(true);
            deactivate.invoke(service);
            site.stop(0);
        }
    }

    static ToolResult call(Tool tool, String json) {
        ToolContext context = new ToolContext("bench", "cli", Path.of(System.getProperty("java.io.tmpdir")),
                Instant.now().plusSeconds(120), Cancellation.none());
        ToolResult result;
        try {
            result = tool.execute(new ToolCall("c", tool.spec().name(), json), context);
        } catch (Exception e) {
            throw new IllegalStateException(tool.spec().name() + " failed", e);
        }
        if (result.error()) {
            throw new IllegalStateException(tool.spec().name() + ": " + result.content());
        }
        return result;
    }

    static void time(Map<String, List<Double>> times, String name, Runnable call) {
        long start = System.nanoTime();
        call.run();
        times.computeIfAbsent(name, n -> new ArrayList<>()).add((System.nanoTime() - start) / 1e6);
    }

    static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static String ref(ToolResult result, String line) {
        Matcher matcher = Pattern.compile(Pattern.quote(line) + "[^\\n]*\\[ref=(e\\d+)]").matcher(result.content());
        if (!matcher.find()) {
            throw new IllegalStateException("no ref for " + line + " in " + result.content());
        }
        return matcher.group(1);
    }

    static String big(int items) {
        StringBuilder html = new StringBuilder("<!doctype html><title>Big</title><h1>Catalogue</h1><ul>");
        for (int i = 1; i <= items; i++) {
            html.append("<li><a href=\"/item/").append(i).append("\">Item number ").append(i)
                    .append("</a> <button>Add ").append(i).append("</button></li>");
        }
        return html.append("</ul>").toString();
    }

    /** @return processes, RSS and PSS (KB) of the Chromium processes of a profile */
    static long[] memory(Path profile) throws IOException {
        long count = 0;
        long rss = 0;
        long pss = 0;
        String marker = "--user-data-dir=" + profile;
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path entry : proc) {
                try {
                    String cmdline = new String(Files.readAllBytes(entry.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (!cmdline.replace('\0', ' ').contains(marker)) {
                        continue;
                    }
                    for (String line : Files.readAllLines(entry.resolve("smaps_rollup"))) {
                        if (line.startsWith("Rss:")) {
                            rss += Long.parseLong(line.replaceAll("\\D", ""));
                        } else if (line.startsWith("Pss:")) {
                            pss += Long.parseLong(line.replaceAll("\\D", ""));
                        }
                    }
                    count++;
                } catch (IOException | RuntimeException e) {
                    // ended while we looked
                }
            }
        }
        return new long[] {count, rss, pss};
    }

    static BundleContext context(Path home) {
        return (BundleContext) Proxy.newProxyInstance(BrowserBench.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("getProperty") && "openpista.home".equals(arguments[0])) {
                        return home.toString();
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }

    /** The configuration DS would pass: the defaults, the bench's site allowed. */
    static BrowserService.Config config(String root) {
        return (BrowserService.Config) Proxy.newProxyInstance(BrowserBench.class.getClassLoader(),
                new Class<?>[] {BrowserService.Config.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("allowed_hosts")) {
                        return new String[] {root.substring("http://".length())};
                    }
                    Object fallback = method.getDefaultValue();
                    return fallback != null ? fallback : method.getName().equals("toString") ? "bench" : null;
                });
    }
}
