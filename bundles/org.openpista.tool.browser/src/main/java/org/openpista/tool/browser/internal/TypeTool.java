package org.openpista.tool.browser.internal;

import org.openpista.api.tool.Tool;
import org.openpista.api.tool.ToolContext;
import org.openpista.api.tool.ToolResult;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** {@code browser.type}: replaces the text of a field, optionally pressing Enter, then shows the page. */
@Component(
        service = Tool.class,
        property = {
            Tool.NAME + "=" + TypeTool.NAME,
            Tool.DESCRIPTION + "=" + TypeTool.DESCRIPTION,
            Tool.PARAMETERS + "=" + TypeTool.PARAMETERS
        })
public final class TypeTool extends BrowserTool {

    static final String NAME = "browser.type";

    static final String DESCRIPTION = "Types text into a field of the current page (by ref; or a CSS selector, or the field's"
            + " label as \"element\"), replacing what it held, as keystrokes the page sees; submit presses Enter"
            + " after it. On a file input the text is the path of a workspace file to upload. While a prompt()"
            + " dialog is open, the text answers it.";

    static final String PARAMETERS = """
            {"type":"object","properties":{"ref":{"type":"string",\
            "description":"The element's ref from the latest snapshot, for example \\"e5\\"."},\
            "selector":{"type":"string","description":"Instead of a ref: a CSS selector (the first visible match is used)."},\
            "element":{"type":"string","description":"Instead of a ref: the element's visible text or accessible name."},\
            "text":{"type":"string","description":"What to type; empty clears the field."},\
            "submit":{"type":"boolean","description":"Press Enter after typing (default false)."}},\
            "required":["text"]}""";

    @Activate
    public TypeTool(@Reference BrowserService browser) {
        super(browser, NAME, DESCRIPTION, PARAMETERS);
    }

    @Override
    ToolResult run(Arguments arguments, ToolContext context) {
        String text = arguments.string("text");
        if (text == null) {
            throw Arguments.invalid("\"text\" is required (empty clears the field)");
        }
        boolean submit = arguments.bool("submit", false);
        Locator.Query query = arguments.element(null);
        return browser.call(context, loadTime(), visit -> {
            Tab tab = visit.tab();
            Tab.Dialog dialog = tab.dialog();
            if (dialog != null && dialog.type().equals("prompt")) {
                tab.answerDialog(true, text);
                tab.settle(visit.budget(), true, browser.settings().navigationTimeout());
                return ToolResult.ok(visit.report("Answered " + dialog.describe() + " with \"" + text + "\"."));
            }
            tab.requireNoDialog();
            Locator.Target target = Locator.find(tab, query);
            String said = Forms.type(tab, target, text, submit, visit.workspace(), visit.budget());
            tab.settle(visit.budget(), true, browser.settings().navigationTimeout());
            String headline = said.isEmpty()
                    ? headline("Typed " + (text.isEmpty() ? "nothing (cleared)" : "\""
                            + SnapshotRenderer.clip(text, 80) + "\"") + " into", target)
                            + (submit ? " Pressed Enter." : "")
                    : said;
            return ToolResult.ok(visit.report(headline));
        });
    }
}
