/**
 * Groups of people who meet up, and who belongs to which.
 */
@NullMarked
package com.example.meetup.group;

import org.jspecify.annotations.NullMarked;
