package org.openpista.cron.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.openpista.api.cron.CronJobSpec;

class CronJobJsonTest {

    final ObjectMapper json = new ObjectMapper();

    @Test
    void emptyOptionalKeysAreLeftOut() {
        ObjectNode job = json.createObjectNode();

        CronJobJson.write(new CronJobSpec("@daily", "report", "", "", ""), job);

        assertThat(job.toString()).isEqualTo("{\"schedule\":\"@daily\",\"message\":\"report\"}");
    }

    @Test
    void aJobReadsBackAsItWasWritten() {
        CronJobSpec spec = new CronJobSpec("0 9 * * MON-FRI", "news", "ops", "telegram", "42");
        ObjectNode job = json.createObjectNode();

        CronJobJson.write(spec, job);

        assertThat(CronJobJson.read(job)).isEqualTo(spec);
    }

    @Test
    void missingKeysReadAsEmpty() throws Exception {
        assertThat(CronJobJson.read(json.readTree("{\"message\":\"x\"}"))).isEqualTo(new CronJobSpec("", "x", "", "", ""));
    }
}
