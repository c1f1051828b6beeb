package org.openpista.tool.browser.internal;

import java.time.Duration;
import java.util.function.BiFunction;
import org.openpista.api.chat.ToolCall;
import org.openpista.api.llm.ToolSpec;
import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.openpista.tool.browser.internal.cdp.CdpException;

/**
 * What every {@code browser.*} tool shares: its spec, reading the arguments, and turning what goes
 * wrong into a short {@code kind: message} error result. Each tool's spec is constant and published
 * as its service properties too, so the agent offers the browser tools without activating them (or
 * the {@link BrowserService} they share) until the model calls one.
 */
abstract class BrowserTool implements Tool {

    final BrowserService browser;
    private final ToolSpec spec;

    /**
     * @param description the tool's {@code DESCRIPTION}, also its service property {@link Tool#DESCRIPTION}
     * @param parameters the tool's {@code PARAMETERS}, also its service property {@link Tool#PARAMETERS}
     */
    BrowserTool(BrowserService browser, String name, String description, String parameters) {
        this.browser = browser;
        this.spec = new ToolSpec(name, description, parameters);
    }

    @Override
    public final ToolSpec spec() {
        return spec;
    }

    @Override
    public final ToolResult execute(ToolCall call, ToolContext context) {
        try {
            return run(Arguments.parse(call.arguments()), context);
        } catch (BrowserException e) {
            return ToolResult.error(e.render());
        } catch (CdpException e) {
            // outside BrowserService.call (rare): the browser went away between two steps
            return ToolResult.error(BrowserException.Kind.BROWSER_ERROR.code() + ": " + e.getMessage());
        }
    }

    /** Runs the call; errors are thrown as {@link BrowserException}. */
    abstract ToolResult run(Arguments arguments, ToolContext context);

    /** @return the longest a call that may load a page takes */
    Duration loadTime() {
        return browser.settings().navigationTimeout().plusSeconds(30);
    }

    /**
     * A call that acts on one element as a person would (a click, a hover, a choice): with no dialog
     * open, finds the element, acts, waits for what the action starts (a navigation, requests) and
     * shows the page again.
     *
     * @param action acts on the element found; returns the result's headline ({@link #headline})
     */
    ToolResult onElement(ToolContext context, Locator.Query query, BiFunction<Visit, Locator.Target, String> action) {
        return browser.call(context, loadTime(), visit -> {
            visit.tab().requireNoDialog();
            Locator.Target target = Locator.find(visit.tab(), query);
            String headline = action.apply(visit, target);
            visit.tab().settle(visit.budget(), true, browser.settings().navigationTimeout());
            return ToolResult.ok(visit.report(headline));
        });
    }

    /** @return "Clicked button "Go" [ref=e6]." with how the element was found, when that matters */
    static String headline(String verb, Locator.Target target) {
        return verb + " " + target.description() + "." + (target.note().isEmpty() ? "" : " " + target.note());
    }
}
