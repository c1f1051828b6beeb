/** OSGi integration tests of openpista. */
package org.openpista.itests;
