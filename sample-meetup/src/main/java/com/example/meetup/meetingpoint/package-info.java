/**
 * Where each group meets, decided by its organizer.
 */
@NullMarked
package com.example.meetup.meetingpoint;

import org.jspecify.annotations.NullMarked;
