package org.openpista.tool.browser.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openpista.api.settings.SettingsSection;
import org.openpista.api.tool.ToolContext;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser the {@code browser.*} tools share: one per daemon, started on the first call (a
 * daemon that never browses never starts it), a tab per session, closed after {@code
 * idle_timeout_secs} without calls and when the bundle stops. A browser that crashed is noticed,
 * its processes are reaped, the call in flight says so, and the next call starts a fresh one.
 */
@Component(service = BrowserService.class, configurationPid = BrowserService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = BrowserService.Config.class)
@SettingsSection(value = "tools.browser", pid = BrowserService.PID,
        formats = {"profile_dir=path", "allowed_hosts=csv", "blocked_hosts=csv", "extra_args=csv"})
public final class BrowserService {

    /** The configuration PID. */
    static final String PID = "org.openpista.tool.browser";

    /** A call on the session's current tab. */
    @FunctionalInterface
    interface TabCall<T> {
        T run(Visit visit);
    }

    /** Configuration of the browser tools: {@code [tools.browser]} in config.toml. */
    @ObjectClassDefinition(name = "openpista browser tools",
            description = "The browser.* tools: which Chromium, how it runs, and which sites it may open.")
    public @interface Config {

        @AttributeDefinition(name = "Executable", description = "The Chromium or Chrome to start. Empty: /usr/bin/chromium,"
                + " else chromium, chromium-browser, google-chrome or google-chrome-stable on PATH. Nothing is ever"
                + " downloaded: install Debian's chromium (apt-get install chromium).")
        String executable() default "";

        @AttributeDefinition(name = "Headless", description = "Run without a window. false shows the browser on the"
                + " desktop (needs a display), for example to log in to a site by hand once.")
        boolean headless() default true;

        @AttributeDefinition(name = "Attach to", description = "Drive a Chrome that runs already instead of starting"
                + " one: http://host:port of its --remote-debugging-port, or its ws://…/devtools/browser/… address."
                + " The tools then open tabs of their own in it and close only those; idle_timeout_secs disconnects.")
        String cdp_url() default "";

        @AttributeDefinition(name = "Profile", description = "The browser profile (cookies, logins, history) kept"
                + " between runs. Empty: <openpista home>/browser/profile. When another process uses it, the browser"
                + " gets a temporary profile for that run.")
        String profile_dir() default "";

        @AttributeDefinition(name = "Window width", description = "Width of the browser window in CSS pixels:"
                + " screenshots of the viewport have this size.", min = "200", max = "7680")
        int window_width() default BrowserSettings.DEFAULT_WIDTH;

        @AttributeDefinition(name = "Window height", description = "Height of the browser window in CSS pixels.",
                min = "200", max = "4320")
        int window_height() default BrowserSettings.DEFAULT_HEIGHT;

        @AttributeDefinition(name = "Idle timeout (s)", description = "The browser closes after this many seconds"
                + " without a browser call (its profile stays); the next call starts it again. 0: only when openpista"
                + " stops.", min = "0")
        int idle_timeout_secs() default BrowserSettings.DEFAULT_IDLE_SECS;

        @AttributeDefinition(name = "Navigation timeout (s)", description = "How long browser.navigate and browser.back"
                + " wait for a page to load before they give up with navigation_timeout.", min = "1", max = "600")
        int navigation_timeout_secs() default BrowserSettings.DEFAULT_NAVIGATION_SECS;

        @AttributeDefinition(name = "Snapshot size", description = "Characters of a page snapshot in one result; a"
                + " larger page is cut between lines and the rest is read with browser.snapshot {page: N}.",
                min = "1000", max = "200000")
        int snapshot_chars() default BrowserSettings.DEFAULT_SNAPSHOT_CHARS;

        @AttributeDefinition(name = "Allowed hosts", description = "Empty: every public site. Otherwise only these:"
                + " host names (example.org), domains with their subdomains (*.example.org), addresses or ranges"
                + " (192.168.1.20, 10.0.0.0/8), each optionally with :port; \"*\" is every public site. Loopback,"
                + " private, link-local and cloud metadata addresses are refused unless an entry here names them"
                + " (\"*\" does not).")
        String[] allowed_hosts() default {};

        @AttributeDefinition(name = "Blocked hosts", description = "Sites the browser never opens, in the forms of"
                + " allowed_hosts; they win over allowed_hosts and apply to every request of a page too.")
        String[] blocked_hosts() default {};

        @AttributeDefinition(name = "Extra switches", description = "More Chromium command-line switches, for example"
                + " \"--proxy-server=http://proxy:3128\" or \"--lang=de\".")
        String[] extra_args() default {};
    }

    private static final Logger LOG = LoggerFactory.getLogger(BrowserService.class);
    private static final int GUARD_THREADS = 8;
    private static final String HTTP_RUNTIME = "org.osgi.service.http.runtime.HttpServiceRuntime";
    private static final String HTTP_ENDPOINT = "osgi.http.endpoint";

    private final BrowserSettings settings;
    private final UrlPolicy policy;
    private final BundleContext context;
    /** Checks requests (which may ask DNS) and reaps crashed browsers; a few threads, idle ones end. */
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(GUARD_THREADS, GUARD_THREADS, 30, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "openpista-browser-guard");
                thread.setDaemon(true);
                return thread;
            });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "openpista-browser-idle");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, SessionTabs> sessions = new ConcurrentHashMap<>();
    private final Map<String, String> sessionNotes = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final Object lock = new Object();
    private Browser browser;
    private ScheduledFuture<?> idleClose;
    private boolean closed;

    /** Activated by DS. */
    @Activate
    public BrowserService(BundleContext context, Config config) {
        this(context, BrowserSettings.of(config, context.getProperty("openpista.home"), System.getenv()));
    }

    BrowserService(BundleContext context, BrowserSettings settings) {
        this.context = context;
        this.settings = settings;
        pool.allowCoreThreadTimeOut(true);
        List<String> problems = new ArrayList<>();
        this.policy = new UrlPolicy(UrlPolicy.rules(settings.allowedHosts(), "allowed_hosts", problems),
                UrlPolicy.rules(settings.blockedHosts(), "blocked_hosts", problems), this::ownPorts,
                java.net.InetAddress::getAllByName);
        problems.forEach(problem -> LOG.warn("{}", problem));
    }

    /** Closes the browser: the daemon or the bundle stops, or the configuration changed. */
    @Deactivate
    void deactivate() {
        Browser open;
        synchronized (lock) {
            closed = true;
            open = browser;
            browser = null;
        }
        if (open != null) {
            open.close();
        }
        timer.shutdownNow();
        pool.shutdownNow();
    }

    /** @return the settings in effect */
    BrowserSettings settings() {
        return settings;
    }

    /** @return the URL policy */
    UrlPolicy policy() {
        return policy;
    }

    /**
     * Runs a call on the session's current tab (opened when it has none), starting the browser
     * when needed.
     *
     * @param longest how long the call may take at most, capped by the turn's deadline
     */
    <T> T call(ToolContext context, Duration longest, TabCall<T> call) {
        CallBudget budget = CallBudget.of(context, longest);
        budget.check();
        String sessionId = context == null ? "default" : context.sessionId();
        running.incrementAndGet();
        Browser used = null;
        try {
            used = browser();
            Path workspace = context == null || context.workspace() == null
                    ? settings.home().resolve("workspace") : context.workspace();
            used.downloadInto(workspace.resolve("downloads"));
            SessionTabs session = sessions.computeIfAbsent(sessionId, id -> new SessionTabs());
            Tab tab = session.current();
            if (tab != null && tab.crashed()) {
                used.closeTab(tab);
                session.remove(tab);
                sessionNotes.merge(sessionId, "The page of this tab had crashed; this is a new tab.", (a, b) -> a);
                tab = session.current();
            }
            if (tab == null) {
                tab = used.newTab();
                session.add(tab);
            }
            String note = sessionNotes.remove(sessionId);
            if (note != null) {
                tab.note(note);
            }
            tab.lock().lock();
            try {
                Reporter reporter = new Reporter(used, settings.snapshotChars(), settings.navigationTimeout());
                return call.run(new Visit(session, tab, budget, used, reporter, workspace));
            } finally {
                tab.lock().unlock();
            }
        } catch (CdpException e) {
            throw translate(e, used);
        } finally {
            running.decrementAndGet();
            scheduleIdleClose();
        }
    }

    /** @return the browser, started or attached when there is none */
    Browser browser() {
        synchronized (lock) {
            if (closed) {
                throw new BrowserException(BrowserException.Kind.UNAVAILABLE, "the browser tools are shutting down");
            }
            if (browser != null) {
                if (browser.isConnected() && !browser.processEnded()) {
                    return browser;
                }
                // ended, but its connection's close may be delivered after this call: let go of it
                // now, before a new browser gets tabs that a late let-go would clear
                disconnected(browser);
            }
            Browser started = settings.cdpUrl().isEmpty()
                    ? Browser.launch(new ChromiumLauncher(settings.launch(), settings.environment()), policy, pool)
                    : Browser.attach(settings.cdpUrl(), policy, pool);
            started.onDisconnect(() -> disconnected(started));
            browser = started;
            return started;
        }
    }

    /** @return the session's tabs, empty when it has none */
    List<Tab> tabs(String sessionId) {
        SessionTabs session = sessions.get(sessionId);
        return session == null ? List.of() : session.all();
    }

    private void disconnected(Browser gone) {
        if (!gone.retire()) {
            return;
        }
        boolean crashed = gone.crashed();
        synchronized (lock) {
            if (browser == gone) {
                browser = null;
            }
        }
        if (!crashed) {
            return;
        }
        String ending = gone.ending();
        LOG.warn("The browser went away ({}); the next browser call starts a new one", ending);
        if (gone.process() != null) {
            // renderers and helpers of a killed browser must not stay behind
            pool.execute(() -> gone.process().killGroup());
        }
        sessions.keySet().forEach(id -> sessionNotes.put(id, "The browser had crashed (" + ending
                + ") and was started again: this is a new tab, earlier pages and refs are gone."));
        sessions.clear();
    }

    private BrowserException translate(CdpException e, Browser used) {
        if (e.kind() == CdpException.Kind.CLOSED) {
            if (used != null && used.crashed()) {
                return new BrowserException(BrowserException.Kind.CRASHED, "the browser crashed (" + used.ending()
                        + "); it is started again on the next call");
            }
            return new BrowserException(BrowserException.Kind.UNAVAILABLE, "the browser was closed during the call");
        }
        if (e.kind() == CdpException.Kind.TIMEOUT) {
            return new BrowserException(BrowserException.Kind.TIMEOUT, "the page did not answer in time (a script"
                    + " may keep it busy): " + e.getMessage());
        }
        return new BrowserException(BrowserException.Kind.BROWSER_ERROR, e.getMessage());
    }

    private void scheduleIdleClose() {
        Duration idle = settings.idleTimeout();
        if (idle.isZero()) {
            return;
        }
        synchronized (lock) {
            if (closed) {
                return;
            }
            if (idleClose != null) {
                idleClose.cancel(false);
            }
            idleClose = timer.schedule(this::closeIfIdle, idle.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void closeIfIdle() {
        Browser idle;
        synchronized (lock) {
            if (running.get() > 0 || browser == null) {
                return;
            }
            idle = browser;
            browser = null;
        }
        LOG.info("Closing the browser after {} s without calls", settings.idleTimeout().toSeconds());
        sessions.keySet().forEach(id -> sessionNotes.put(id, "The browser had been closed after "
                + settings.idleTimeout().toSeconds() + " s without calls; this is a new tab, earlier pages and refs"
                + " are gone."));
        sessions.clear();
        idle.close();
    }

    /** @return the ports openpista serves on: the HTTP whiteboard's endpoints, and the attached browser's */
    private Set<Integer> ownPorts() {
        Set<Integer> ports = new HashSet<>();
        if (!settings.cdpUrl().isEmpty()) {
            ports.add(port(settings.cdpUrl()));
        }
        if (context == null) {
            return ports;
        }
        try {
            ServiceReference<?>[] runtimes = context.getServiceReferences(HTTP_RUNTIME, null);
            for (ServiceReference<?> runtime : runtimes == null ? new ServiceReference<?>[0] : runtimes) {
                Object endpoints = runtime.getProperty(HTTP_ENDPOINT);
                List<String> all = endpoints instanceof String[] array ? Arrays.asList(array)
                        : endpoints instanceof java.util.Collection<?> list ? list.stream().map(String::valueOf).toList()
                        : endpoints == null ? List.of() : List.of(endpoints.toString());
                all.forEach(endpoint -> ports.add(port(endpoint)));
            }
        } catch (InvalidSyntaxException | IllegalStateException e) {
            // no filter is passed; a stopping bundle has no registry left
        }
        ports.remove(-1);
        return ports;
    }

    private static int port(String url) {
        try {
            URI uri = URI.create(url.strip());
            return uri.getPort() >= 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
