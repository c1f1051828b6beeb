package org.openpista.api.settings;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.osgi.annotation.bundle.Attribute;
import org.osgi.annotation.bundle.Capability;

/**
 * Declares that this bundle reads a table of {@code config.toml}: a capability in the namespace
 * {@value #NAMESPACE} that the configuration bundle finds in every installed bundle (started or
 * not, built-in or a plugin). Put it on the component that reads the table (or on any type of the
 * bundle); a bundle without annotation processing writes the same capability by hand:
 *
 * <pre>
 * Provide-Capability: org.openpista.settings;section="channels.echo";pid="org.example.echo";
 *   formats:List&lt;String&gt;="api_url=url"
 * </pre>
 *
 * <p>The keys of the table are the attributes of the metatype object class designated for
 * {@link #pid()} (bnd writes it from the component's {@code @ObjectClassDefinition}). A TOML key
 * {@code snake_case} is the attribute {@code snake.case}; a secret is a private attribute (leading
 * dot: {@code _api_key()} is {@code .api.key}) or one of type {@code PASSWORD}, and never appears in
 * a message. Types, {@code min}/{@code max}, {@code options}, defaults, names and descriptions are
 * taken from the metatype: they validate the file, and {@code openpista config example} prints them.
 *
 * <p>Several bundles may declare the same table, each for its own PID: every PID then receives the
 * keys its object class defines (the {@code workspace} of {@code [skills]} reaches every bundle
 * that declares it); {@link #keys()} limits a table to some of them when a PID receives several
 * tables. With {@link #tables()}, sub-tables {@code [section.name]} fill the properties {@code
 * name.<key>} of the same PID, for fixed names or ({@value #ANY_TABLE}) any the user chooses. With
 * {@link #entries()}, the table is an array of tables ({@code [[cron]]}).
 *
 * <p>Every {@code [channels.<id>]} table may also hold {@code approval}: the agent's approval mode
 * for that channel (property {@code approval.<id>} of the agent's configuration), whichever bundle
 * declares the table.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.PACKAGE})
@Repeatable(SettingsSections.class)
@Capability(namespace = SettingsSection.NAMESPACE)
public @interface SettingsSection {

    /** The capability namespace. */
    String NAMESPACE = "org.openpista.settings";
    /** Capability attribute: the table, see {@link #value()}. */
    String SECTION = "section";
    /** Capability attribute: the PID, see {@link #pid()}. */
    String PID = "pid";
    /** Capability attribute: key formats, see {@link #formats()}. */
    String FORMATS = "formats";
    /** Capability attribute: environment overrides, see {@link #env()}. */
    String ENV = "env";
    /** Capability attribute: see {@link #entries()}. */
    String ENTRIES = "entries";
    /** Capability attribute: see {@link #keys()}. */
    String KEYS = "keys";
    /** Capability attribute: see {@link #tables()}. */
    String TABLES = "tables";

    /** Format: empty, or an absolute {@code http://} or {@code https://} URL. */
    String URL = "url";
    /**
     * Format: a file system path; a leading {@code ~} is the user's home ({@code $HOME}) and a
     * relative path is taken relative to the openpista home.
     */
    String PATH = "path";
    /** Format: letters, digits, {@code _} and {@code -} only (tokens that go into URLs and headers). */
    String WORD = "word";
    /** Format: a list key that also takes one string of comma-separated items. */
    String CSV = "csv";
    /** Format: a string key that also takes an integer written without quotes (long numeric ids). */
    String DIGITS = "digits";
    /**
     * Format: a list key of strings that also takes a table of strings, such as {@code env = { A =
     * "1" }} or a sub-table {@code [x.env]}; each entry arrives as the item {@code name=value}, in
     * file order. Names are letters, digits, {@code _}, {@code -} and {@code .}; as a list, each item
     * must be {@code name=value}.
     */
    String MAP = "map";
    /** {@link #tables()}: any sub-table name (letters, digits, {@code _} and {@code -}), for tables the user names. */
    String ANY_TABLE = "*";

    /**
     * @return the table as written in {@code config.toml}, dotted: {@code agent},
     *     {@code channels.web}, {@code cron}
     */
    @Attribute(SECTION)
    String value();

    /**
     * @return the configuration PID that receives the table's keys; with {@link #entries()}, the
     *     PID whose metatype describes one entry
     */
    @Attribute(PID)
    String pid();

    /**
     * @return formats beyond the metatype's types, each {@code key=format} with the TOML key and one
     *     of {@value #URL}, {@value #PATH}, {@value #WORD}, {@value #CSV}, {@value #DIGITS}, {@value #MAP}
     */
    @Attribute(FORMATS)
    String[] formats() default {};

    /**
     * @return environment variables that override a key, each {@code key=VARIABLE}; a variable
     *     starting with {@code OPENPISTA_} is also read in the original's spelling
     *     ({@code openpista_WEB_TOKEN}), and an empty variable counts as unset
     */
    @Attribute(ENV)
    String[] env() default {};

    /**
     * @return for an array of tables ({@code [[cron]]}): the property of {@link #pid()}'s
     *     configuration that receives the entries, one JSON object per entry in file order, each
     *     validated against the object class designated for the factory PID {@code <pid>.entry};
     *     empty for an ordinary table
     */
    @Attribute(ENTRIES)
    String entries() default "";

    /**
     * @return the TOML keys of this table when the PID's object class has more (because the PID
     *     also receives other tables); empty: every attribute of the object class
     */
    @Attribute(KEYS)
    String[] keys() default {};

    /**
     * @return the names of the sub-tables {@code [section.name]} the table may have; their keys are
     *     the attributes of the object class designated for the factory PID {@code <pid>.table}, and
     *     each key {@code k} of {@code [section.name]} becomes the property {@code name.k} of
     *     {@link #pid()} (a secret, whose id is private, becomes the private property {@code .name.k});
     *     {@value #ANY_TABLE} allows sub-tables of any name made of letters, digits, {@code _} and
     *     {@code -} (servers the user names, say); empty: no sub-tables
     */
    @Attribute(TABLES)
    String[] tables() default {};
}
