package org.openpista.tool.browser.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test pages on 127.0.0.1, served by the test itself: a form whose own script reports what the
 * user did to {@code POST /report}, a big page, dialogs, a pop-up, redirects and slow answers.
 */
final class TestSite implements AutoCloseable {

    static final String FORM = """
            <!doctype html><html><head><title>Order form</title></head><body>
            <h1>Order</h1>
            <form id="order" onsubmit="event.preventDefault(); notify('submitted')">
              <label>Name <input id="name" name="name"></label>
              <label for="size">Size</label>
              <select id="size"><option value="s">Small</option><option value="m" selected>Medium</option>
                <option value="l">Large</option></select>
              <label><input type="checkbox" id="gift"> Gift wrap</label>
              <button type="button" id="send" onclick="notify('clicked')">Send order</button>
              <input type="submit" value="Submit">
            </form>
            <p id="status">Nothing sent yet</p>
            <a href="/next">Next page</a>
            <script>
              function state(what) {
                return JSON.stringify({what: what, name: document.getElementById('name').value,
                  size: document.getElementById('size').value, gift: document.getElementById('gift').checked});
              }
              function notify(what) {
                fetch('/report', {method: 'POST', body: state(what)});
                document.getElementById('status').textContent = 'Sent: ' + what;
                const done = document.createElement('button');
                done.textContent = 'Thanks ' + document.getElementById('name').value;
                document.body.appendChild(done);
              }
              document.getElementById('size').addEventListener('change', () => fetch('/report',
                {method: 'POST', body: state('changed')}));
            </script></body></html>
            """;

    static final String NEXT = "<!doctype html><title>Next</title><h1>The next page</h1><a href=\"/form\">Back to the form</a>";

    static final String DIALOG = """
            <!doctype html><title>Dialogs</title>
            <script>window.onbeforeunload = event => { event.preventDefault(); event.returnValue = ''; };</script>
            <button onclick="const ok = confirm('Delete everything?'); fetch('/report', {method: 'POST',
              body: JSON.stringify({what: 'confirm', ok: ok})})">Delete</button>
            <button onclick="const name = prompt('Your name?', 'x'); fetch('/report', {method: 'POST',
              body: JSON.stringify({what: 'prompt', name: name})})">Ask</button>
            """;

    static final String POPUP = "<!doctype html><title>Opener</title><a href=\"/next\" target=\"_blank\">Open next</a>";

    static final String COVERED = """
            <!doctype html><title>Covered</title><button onclick="fetch('/report', {method: 'POST', body: 'covered'})"
            >Hidden button</button><div id="cookie-banner" style="position:fixed;inset:0;background:#fff">We use cookies
            <button onclick="this.parentElement.remove()">Accept</button></div>
            """;

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "test-site");
        thread.setDaemon(true);
        return thread;
    });
    private final List<String> reports = new CopyOnWriteArrayList<>();
    private final Map<String, String> pages = new ConcurrentHashMap<>();

    TestSite() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        pages.put("/form", FORM);
        pages.put("/next", NEXT);
        pages.put("/dialog", DIALOG);
        pages.put("/popup", POPUP);
        pages.put("/covered", COVERED);
        pages.put("/big", big(1500));
        server.start();
    }

    /** @return {@code http://127.0.0.1:PORT} + path */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Serves a page at a path. */
    void page(String path, String html) {
        pages.put(path, html);
    }

    /** @return what the pages' scripts reported, in order */
    List<String> reports() {
        return List.copyOf(reports);
    }

    /** Waits (at most 10 s) until a report containing all the texts arrives, and returns it. */
    String awaitReport(String... containing) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(until)) {
            for (String report : reports) {
                if (java.util.Arrays.stream(containing).allMatch(report::contains)) {
                    return report;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no report containing " + List.of(containing) + " within 10 s; got " + reports);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            if (path.equals("/report")) {
                reports.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(204, -1);
                return;
            }
            if (path.equals("/redirect") && query != null && query.startsWith("to=")) {
                exchange.getResponseHeaders().add("Location", URLDecoder.decode(query.substring(3), StandardCharsets.UTF_8));
                exchange.sendResponseHeaders(302, -1);
                return;
            }
            if (path.equals("/slow")) {
                sleep(Duration.ofSeconds(15));
            }
            if (path.equals("/download")) {
                byte[] body = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/csv");
                exchange.getResponseHeaders().add("Content-Disposition", "attachment; filename=\"table.csv\"");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            String html = pages.get(path);
            byte[] body = (html == null ? "<!doctype html><title>Not found</title><h1>Not found</h1>" : html)
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(html == null ? 404 : 200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** @return a page with many sections, links and fields: far more than one snapshot page */
    static String big(int items) {
        StringBuilder html = new StringBuilder("<!doctype html><title>Big page</title><h1>Catalogue</h1><ul>");
        for (int i = 1; i <= items; i++) {
            html.append("<li><a href=\"/item/").append(i).append("\">Item number ").append(i)
                    .append("</a> <button>Add ").append(i).append("</button></li>");
        }
        return html.append("</ul><p>The end of the catalogue</p>").toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
