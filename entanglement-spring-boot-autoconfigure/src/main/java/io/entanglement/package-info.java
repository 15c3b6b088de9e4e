/**
 * What applications touch: the annotations that mark synchronized types, the value types
 * of a change, and the service-provider interfaces for stores and policies.
 */
@NullMarked
package io.entanglement;

import org.jspecify.annotations.NullMarked;
