package org.openpista.usage.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The keys of one {@code [[pricing]]} entry. The configuration bundle checks each entry against
 * them and hands the entries to {@link UsageCommand} as JSON, one object per entry.
 */
@ObjectClassDefinition(id = PricingEntry.FACTORY_PID, factoryPid = PricingEntry.FACTORY_PID, name = "Model price",
        description = "The price of a model for openpista usage, in US dollars per million tokens; wins over the "
                + "built-in list prices.")
@interface PricingEntry {

    /** The factory PID the configuration bundle reads an entry's keys from ({@code <pid>.entry}). */
    String FACTORY_PID = UsageCommand.PID + ".entry";

    @AttributeDefinition(name = "Model", description = "The model's name as configured, e.g. \"gpt-4o\"; also "
            + "prices its dated versions (gpt-4o-2024-08-06).")
    String model();

    @AttributeDefinition(name = "Input", description = "Dollars per million prompt tokens not read from the cache.",
            min = "0")
    double input();

    @AttributeDefinition(name = "Output", description = "Dollars per million answer tokens.", min = "0")
    double output();

    @AttributeDefinition(name = "Cache read", description = "Dollars per million prompt tokens read from the "
            + "prompt cache.", min = "0", required = false)
    double cache_read() default 0;

    @AttributeDefinition(name = "Cache write", description = "Dollars per million prompt tokens written to the "
            + "prompt cache.", min = "0", required = false)
    double cache_write() default 0;
}
