/**
 * Moves demo people around so that subscribers see live changes.
 */
@NullMarked
package com.example.meetup.simulator;

import org.jspecify.annotations.NullMarked;
