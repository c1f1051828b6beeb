package org.openpista.tool.browser.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.openpista.tool.browser.internal.cdp.CdpException;
import org.openpista.tool.browser.internal.cdp.CdpSession;

/**
 * Typing, choosing and pressing keys: text goes in through the browser's input pipeline ({@code
 * Input.insertText}), so the page's own handlers see it as typed; a {@code <select>} is set by
 * value or label with the events a user's choice fires; a file input takes a file of the workspace.
 */
final class Forms {

    private static final String DESCRIBE = "function() { const e = this.nodeType === 1 ? this : this.parentElement;"
            + " return { tag: e.localName, type: (e.getAttribute('type') || '').toLowerCase(),"
            + " editable: e.isContentEditable, disabled: !!e.disabled, readOnly: !!e.readOnly }; }";
    private static final String SELECT_ALL = "function() { if (typeof this.select === 'function') { this.select(); }"
            + " else if (this.isContentEditable) { const r = document.createRange(); r.selectNodeContents(this);"
            + " const s = window.getSelection(); s.removeAllRanges(); s.addRange(r); } }";
    private static final String SET_VALUE = "function(v) { this.value = v;"
            + " this.dispatchEvent(new Event('input', {bubbles: true}));"
            + " this.dispatchEvent(new Event('change', {bubbles: true})); return this.value; }";
    private static final String CHOOSE = "function(wanted) {"
            + " if (this.localName !== 'select') return {error: 'not a select'};"
            + " const options = [...this.options]; const norm = s => s.replace(/\\s+/g, ' ').trim().toLowerCase();"
            + " const picked = [];"
            + " for (const w of wanted) {"
            + "  const o = options.find(o => o.value === w) || options.find(o => norm(o.label) === norm(w))"
            + "   || options.find(o => norm(o.label).includes(norm(w)));"
            + "  if (!o) return {missing: w, options: options.slice(0, 30).map(o => o.label + (o.value !== o.label"
            + "   ? ' (' + o.value + ')' : ''))};"
            + "  if (o.disabled) return {disabled: o.label};"
            + "  picked.push(o); }"
            + " if (!this.multiple && picked.length > 1) return {error: 'one value only'};"
            + " for (const o of options) o.selected = picked.includes(o);"
            + " this.dispatchEvent(new Event('input', {bubbles: true}));"
            + " this.dispatchEvent(new Event('change', {bubbles: true}));"
            + " return {selected: picked.map(o => o.label)}; }";

    private static final Set<String> TEXT_INPUTS = Set.of("", "text", "search", "email", "url", "tel", "password",
            "number");
    private static final Set<String> VALUE_INPUTS = Set.of("date", "time", "datetime-local", "month", "week", "color",
            "range");

    private Forms() {}

    /**
     * Replaces what a field holds with the text, optionally pressing Enter after it.
     *
     * @return what the result says about it, empty when nothing special
     */
    static String type(Tab tab, Locator.Target target, String text, boolean submit, Path workspace, CallBudget budget) {
        CdpSession page = tab.page();
        JsonNode info = call(page, target.backendId(), DESCRIBE, null);
        String tag = info.path("tag").asText();
        String type = info.path("type").asText();
        if (tag.equals("select")) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, target.description()
                    + " is a drop-down; use browser.select");
        }
        if (tag.equals("input") && type.equals("file")) {
            return upload(page, target, text, workspace);
        }
        boolean textual = tag.equals("textarea") || tag.equals("input") && TEXT_INPUTS.contains(type)
                || info.path("editable").asBoolean();
        boolean valued = tag.equals("input") && VALUE_INPUTS.contains(type);
        if (!textual && !valued) {
            throw new BrowserException(BrowserException.Kind.NOT_INTERACTABLE, target.description()
                    + " is not a text field");
        }
        if (info.path("disabled").asBoolean() || info.path("readOnly").asBoolean()) {
            throw new BrowserException(BrowserException.Kind.NOT_INTERACTABLE, target.description() + " is "
                    + (info.path("disabled").asBoolean() ? "disabled" : "read-only"));
        }
        if (valued) {
            call(page, target.backendId(), SET_VALUE, text);
        } else {
            try {
                page.call("DOM.focus", page.params().put("backendNodeId", target.backendId()));
            } catch (CdpException e) {
                if (e.kind() != CdpException.Kind.ERROR) {
                    throw e;
                }
                Pointer.click(tab, target, budget);
            }
            call(page, target.backendId(), SELECT_ALL, null);
            if (text.isEmpty()) {
                press(tab, "Delete", budget);
            } else if (tab.awaitUnlessDialog(page.send("Input.insertText", page.params().put("text", text)),
                    "Input.insertText", budget) == null) {
                return "";
            }
        }
        if (submit && tab.dialog() == null) {
            press(tab, "Enter", budget);
        }
        return "";
    }

    /** Chooses options of a {@code <select>} by value or visible label. */
    static List<String> select(Tab tab, Locator.Target target, List<String> values, CallBudget budget) {
        CdpSession page = tab.page();
        String objectId = Pointer.objectId(page, target.backendId());
        try {
            ObjectNode params = page.params().put("objectId", objectId).put("functionDeclaration", CHOOSE)
                    .put("returnByValue", true);
            ArrayNode wanted = params.putArray("arguments").addObject().putArray("value");
            values.forEach(wanted::add);
            JsonNode answer = tab.awaitUnlessDialog(page.send("Runtime.callFunctionOn", params), "select", budget);
            if (answer == null) {
                return List.of();
            }
            JsonNode result = answer.path("result").path("value");
            if (result.has("error")) {
                throw new BrowserException(result.path("error").asText().equals("not a select")
                        ? BrowserException.Kind.NOT_INTERACTABLE : BrowserException.Kind.INVALID_ARGUMENTS,
                        target.description() + (result.path("error").asText().equals("not a select")
                                ? " is not a <select>; click it, then click the option"
                                : " takes one value only"));
            }
            if (result.has("missing")) {
                throw new BrowserException(BrowserException.Kind.NO_SUCH_ELEMENT, target.description()
                        + " has no option \"" + result.path("missing").asText() + "\"; it has: "
                        + String.join(", ", strings(result.path("options"))));
            }
            if (result.has("disabled")) {
                throw new BrowserException(BrowserException.Kind.NOT_INTERACTABLE, "the option \""
                        + result.path("disabled").asText() + "\" is disabled");
            }
            return strings(result.path("selected"));
        } finally {
            Pointer.release(page, objectId);
        }
    }

    /**
     * Presses a key or combination; while a dialog is open, Enter accepts it and Escape dismisses it.
     *
     * @return what the result says about it, empty when nothing special
     */
    static String press(Tab tab, String keyText, CallBudget budget) {
        Keys.Press press = Keys.parse(keyText);
        Tab.Dialog dialog = tab.dialog();
        if (dialog != null) {
            String key = press.key().key();
            if (press.modifiers().isEmpty() && (key.equals("Enter") || key.equals("Escape"))) {
                tab.answerDialog(key.equals("Enter"), null);
                return (key.equals("Enter") ? "Accepted " : "Dismissed ") + dialog.describe() + ".";
            }
            tab.requireNoDialog();
        }
        CdpSession page = tab.page();
        int held = 0;
        for (Keys.Key modifier : press.modifiers()) {
            held |= bit(modifier.key());
            key(tab, page, "rawKeyDown", modifier, held, false, budget);
        }
        key(tab, page, press.types() ? "keyDown" : "rawKeyDown", press.key(), press.modifierBits(), press.types(),
                budget);
        key(tab, page, "keyUp", press.key(), press.modifierBits(), false, budget);
        for (int i = press.modifiers().size() - 1; i >= 0; i--) {
            Keys.Key modifier = press.modifiers().get(i);
            held &= ~bit(modifier.key());
            key(tab, page, "keyUp", modifier, held, false, budget);
        }
        return "";
    }

    private static void key(Tab tab, CdpSession page, String type, Keys.Key key, int modifiers, boolean text,
            CallBudget budget) {
        if (tab.dialog() != null) {
            return;
        }
        ObjectNode params = page.params().put("type", type).put("modifiers", modifiers).put("key", key.key())
                .put("code", key.code()).put("windowsVirtualKeyCode", key.keyCode());
        if (text) {
            params.put("text", key.text()).put("unmodifiedText", key.text());
        }
        tab.awaitUnlessDialog(page.send("Input.dispatchKeyEvent", params), "Input.dispatchKeyEvent", budget);
    }

    private static int bit(String modifier) {
        return switch (modifier) {
            case "Alt" -> 1;
            case "Control" -> 2;
            case "Meta" -> 4;
            case "Shift" -> 8;
            default -> 0;
        };
    }

    private static String upload(CdpSession page, Locator.Target target, String text, Path workspace) {
        Path file;
        try {
            file = workspace.resolve(text.strip()).normalize();
        } catch (InvalidPathException e) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "\"" + text + "\" is not a path");
        }
        if (!file.startsWith(workspace.normalize())) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "only files of the workspace ("
                    + workspace + ") can be uploaded");
        }
        if (!Files.isRegularFile(file)) {
            throw new BrowserException(BrowserException.Kind.INVALID_ARGUMENTS, "there is no file " + file);
        }
        ObjectNode params = page.params().put("backendNodeId", target.backendId());
        params.putArray("files").add(file.toString());
        page.call("DOM.setFileInputFiles", params);
        return "Chose " + workspace.relativize(file) + " in " + target.description() + ".";
    }

    private static JsonNode call(CdpSession page, int backendId, String function, String argument) {
        String objectId = Pointer.objectId(page, backendId);
        try {
            ObjectNode params = page.params().put("objectId", objectId).put("functionDeclaration", function)
                    .put("returnByValue", true);
            if (argument != null) {
                params.putArray("arguments").addObject().put("value", argument);
            }
            return page.call("Runtime.callFunctionOn", params).path("result").path("value");
        } finally {
            Pointer.release(page, objectId);
        }
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
