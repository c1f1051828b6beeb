package org.openpista.tool.browser.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.browser.internal.cdp.CdpSession;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.wait}: waits until a text or an element appears (or is gone), then shows the page. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + WaitTool.NAME,
            Tool.DESCRIPTION + "=" + WaitTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + WaitTool.PARAMETERS
        })
public final class WaitTool extends BrowserTool {

    static final String NAME = "browser.wait";
    private static final int DEFAULT_SECS = 10;
    private static final int MAX_SECS = 120;

    static final String DESCRIPTION = "Waits until a text shows on the current page, or an element (ref or CSS selector) is"
            + " visible, or with gone: true until it is no longer there; then shows the page. Without text, ref"
            + " or selector it just waits the timeout. Default timeout " + DEFAULT_SECS + " s, at most "
            + MAX_SECS + " s.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"text":{"type":"string",\
            "description":"A text to wait for (case and spacing do not matter)."},\
            "ref":{"type":"string","description":"The element's ref from the latest snapshot, for example \\"e5\\"."},\
            "selector":{"type":"string","description":"A CSS selector to wait for."},\
            "gone":{"type":"boolean","description":"Wait until the text or element is gone instead (default false)."},\
            "timeout":{"type":"number","description":"Seconds to wait at most (default \
            """ + DEFAULT_SECS + ").\",\"minimum\":0,\"maximum\":" + MAX_SECS + "}}}";

    @Activate
    public WaitTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        String text = arguments.string("text");
        String ref = arguments.string("ref");
        String selector = arguments.string("selector");
        boolean gone = arguments.bool("gone", false);
        Duration timeout = Duration.ofMillis((long) (arguments.number("timeout", DEFAULT_SECS, 0, MAX_SECS) * 1000));
        String what = text != null ? "\"" + text + "\"" : ref != null ? ref : selector != null ? selector : null;
        return browser.call(context, timeout.plusSeconds(30), visit -> {
            Tab tab = visit.tab();
            tab.requireNoDialog();
            Instant start = Instant.now();
            Instant until = visit.budget().until(timeout);
            while (true) {
                if (tab.dialog() != null) {
                    return ToolResult.ok(visit.report("A dialog opened while waiting."));
                }
                if (what != null && present(tab, text, ref, selector) != gone) {
                    double seconds = Duration.between(start, Instant.now()).toMillis() / 1000.0;
                    return ToolResult.ok(visit.report(String.format(Locale.ROOT, "%s %s after %.1f s.", what,
                            gone ? "was gone" : "appeared", seconds)));
                }
                if (!Instant.now().isBefore(until)) {
                    if (what == null) {
                        return ToolResult.ok(visit.report("Waited " + timeout.toMillis() / 1000.0 + " s."));
                    }
                    throw new BrowserException(BrowserException.Kind.TIMEOUT, what + (gone ? " was still there"
                            : " did not appear") + " within " + timeout.toMillis() / 1000.0
                            + " s; browser.snapshot shows the page");
                }
                visit.budget().pause(100);
            }
        });
    }

    private static boolean present(Tab tab, String text, String ref, String selector) {
        CdpSession page = tab.page();
        if (text != null) {
            String wanted = page.connection().params().textNode(SnapshotRenderer.squash(text).toLowerCase(Locale.ROOT))
                    .toString();
            return evaluate(tab, "(document.body ? document.body.innerText : '').replace(/\\s+/g, ' ')"
                    + ".toLowerCase().includes(" + wanted + ")");
        }
        if (selector != null) {
            String quoted = page.connection().params().textNode(selector).toString();
            return evaluate(tab, "[...document.querySelectorAll(" + quoted + ")].some(e => {"
                    + " const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })");
        }
        RefTable.Lookup lookup = tab.refs().lookup(ref);
        if (lookup.state() == RefTable.State.UNKNOWN) {
            throw new BrowserException(BrowserException.Kind.NO_SUCH_REF, "there is no ref " + lookup.ref()
                    + " in this tab; refs come from the latest snapshot (browser.snapshot)");
        }
        if (lookup.state() != RefTable.State.CURRENT) {
            return false;
        }
        try {
            return !page.call("DOM.getContentQuads", page.params().put("backendNodeId", lookup.backendId()))
                    .path("quads").isEmpty();
        } catch (org.openpista.tool.browser.internal.cdp.CdpException e) {
            if (e.kind() != org.openpista.tool.browser.internal.cdp.CdpException.Kind.ERROR) {
                throw e;
            }
            return false;
        }
    }

    private static boolean evaluate(Tab tab, String expression) {
        CdpSession page = tab.page();
        var result = page.call("Runtime.evaluate", page.params().put("expression", expression).put("returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw Arguments.invalid("the selector is not valid CSS");
        }
        return result.path("result").path("value").asBoolean(false);
    }
}
