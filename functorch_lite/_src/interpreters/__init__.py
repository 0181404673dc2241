"""The transformations, one interpreter (trace) each: jvp, reverse (tape), batching, staging."""
