package org.openpista.tui.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebFramesTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static List<Event> events(String frame) throws Exception {
        return WebFrames.events(JSON.readTree(frame));
    }

    @Test
    void theTurnsFramesBecomeTheEventsOfALocalTurn() throws Exception {
        assertThat(events("{\"type\":\"response_delta\",\"session_id\":\"s\",\"content\":\"Hel\"}"))
                .containsExactly(new Event.TextDelta("s", "Hel"));
        assertThat(events("{\"type\":\"response\",\"session_id\":\"s\",\"content\":\"Hello\",\"is_error\":false}"))
                .containsExactly(new Event.Replied("s", "Hello", false));
        assertThat(events("{\"type\":\"progress\",\"session_id\":\"s\",\"kind\":\"tool_started\",\"tool_name\":\"system.run\","
                + "\"call_id\":\"c1\",\"detail\":\"ls\"}"))
                .containsExactly(new Event.Progress("s", Event.Progress.Kind.TOOL_STARTED, "system.run", "c1", "ls"));
        assertThat(events("{\"type\":\"progress\",\"session_id\":\"s\",\"kind\":\"something_new\",\"detail\":\"\"}")).isEmpty();
        assertThat(events("{\"type\":\"user_message\",\"session_id\":\"s\",\"content\":\"from the browser\",\"client_id\":\"x\"}"))
                .containsExactly(new Event.UserMessage("s", "from the browser", "web"));
        assertThat(events("{\"type\":\"user_message\",\"session_id\":\"s\",\"content\":\"from the bot\",\"channel\":\"telegram\"}"))
                .containsExactly(new Event.UserMessage("s", "from the bot", "telegram"));
        assertThat(events("{\"type\":\"message_error\",\"session_id\":\"s\",\"error\":\"too big\"}"))
                .containsExactly(new Event.Replied("s", "the daemon did not take the message: too big", true));
        assertThat(events("{\"type\":\"generation_cancelled\",\"session_id\":\"s\",\"cancelled\":1}"))
                .containsExactly(new Event.Cancelled("s", 1));
        assertThat(events("{\"type\":\"message_ack\",\"session_id\":\"s\"}")).isEmpty();
        assertThat(events("{\"type\":\"pong\"}")).isEmpty();
    }

    @Test
    void approvalQuestionsCarryTheExactCall() throws Exception {
        assertThat(events("{\"type\":\"tool_approval_request\",\"session_id\":\"s\",\"call_id\":\"c\",\"tool_name\":\"system.run\","
                + "\"arguments\":{\"command\":\"rm -rf x\"},\"note\":\"careful\"}"))
                .containsExactly(new Event.ApprovalAsked("s", "c", "system.run", "{\"command\":\"rm -rf x\"}", "careful"));
        assertThat(events("{\"type\":\"tool_approval_resolved\",\"session_id\":\"s\",\"call_id\":\"c\",\"decision\":\"approve\"}"))
                .containsExactly(new Event.ApprovalResolved("c"));
    }

    @Test
    void sessionsAndTheirHistory() throws Exception {
        assertThat(events("{\"type\":\"sessions_list\",\"sessions\":[{\"id\":\"a\",\"channel_id\":\"web\","
                + "\"updated_at\":\"2026-01-02T03:04:05Z\",\"preview\":\"hi\",\"message_count\":3},{\"id\":\"b\"}]}"))
                .containsExactly(new Event.SessionsLoaded(List.of(
                        new SessionSummary("a", "web", Instant.parse("2026-01-02T03:04:05Z"), 3, "hi", ""),
                        new SessionSummary("b", "", Instant.EPOCH, 0, "", ""))));
        JsonNode messages = JSON.readTree("[{\"role\":\"user\",\"content\":\"list\"},"
                + "{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"id\":\"c\",\"name\":\"system.run\",\"arguments\":\"ls\"}]},"
                + "{\"role\":\"tool\",\"content\":\"a.txt\\nb.txt\",\"tool_call_id\":\"c\"},"
                + "{\"role\":\"assistant\",\"content\":\"two files\"}]");
        assertThat(WebFrames.history(messages)).containsExactly(Entry.user("list"),
                Entry.toolStarted("system.run", "c", "ls").finished(false, "a.txt\nb.txt"), Entry.assistant("two files"));
        assertThat(events("{\"type\":\"session_deleted\",\"session_id\":\"a\",\"deleted\":true}"))
                .containsExactly(new Event.SessionDeleted("a"));
    }

    @Test
    void modelsProvidersAndLogins() throws Exception {
        assertThat(events("{\"type\":\"model_list\",\"models\":[{\"provider\":\"openai\",\"model\":\"gpt-4o\",\"recommended\":true}]}"))
                .containsExactly(new Event.ModelsLoaded(List.of(new Choice("gpt-4o", "gpt-4o", "openai", true)), ""));
        assertThat(events("{\"type\":\"model_changed\",\"provider\":\"openai\",\"model\":\"gpt-4o\"}"))
                .containsExactly(new Event.ModelChanged("openai", "gpt-4o"));
        assertThat(events("{\"type\":\"provider_auth_status\",\"providers\":[{\"name\":\"openai\",\"display_name\":\"OpenAI\","
                + "\"auth_mode\":\"api_key\",\"authenticated\":true}]}"))
                .containsExactly(new Event.ProvidersLoaded(List.of(new Choice("openai", "OpenAI (openai, API key)", "api_key",
                        true)), ""));
        assertThat(events("{\"type\":\"provider_auth_url\",\"provider\":\"github\",\"auth_url\":\"https://x/device\","
                + "\"flow_type\":\"redirect\",\"user_code\":\"AB-CD\"}"))
                .containsExactly(new Event.LoginStarted("github", "https://x/device", "AB-CD", false));
    }

    @Test
    void aPairingStatusIsDrawnAsAQrCodeOrSaysWhatItNeeds() throws Exception {
        List<Event> waiting = events("{\"type\":\"pairing_status\",\"channel\":\"whatsapp\",\"state\":\"waiting_for_scan\","
                + "\"account\":\"\",\"detail\":\"\",\"qr\":{\"size\":2,\"rows\":[\"10\",\"01\"]}}");
        Event.Pairing pairing = (Event.Pairing) waiting.get(0);
        assertThat(pairing.state()).isEqualTo("waiting for scan");
        assertThat(pairing.qr()).hasSize(3).allSatisfy(row -> assertThat(row).hasSize(6));
        assertThat(events("{\"type\":\"pairing_status\",\"channel\":\"whatsapp\",\"state\":\"unavailable\",\"account\":\"\","
                + "\"detail\":\"\"}")).containsExactly(new Event.Pairing("whatsapp", "unavailable", "the daemon runs no pairing "
                + "for whatsapp. To pair, enable [channels.whatsapp] (bridge mode for WhatsApp) and restart the daemon "
                + "(openpista stop, openpista start).", List.of()));
        assertThat(events("{\"type\":\"pairing_status\",\"channel\":\"whatsapp\",\"state\":\"connected\",\"account\":\"4912345\","
                + "\"detail\":\"Ann\"}")).containsExactly(new Event.Pairing("whatsapp", "connected", "+4912345 · Ann", List.of()));
    }
}
