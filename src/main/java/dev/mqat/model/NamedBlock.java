package dev.mqat.model;

/** A block that carries its own stable dotted name, used as the prefix of its parameters' checkpoint names. */
interface NamedBlock {
    String name();
}
