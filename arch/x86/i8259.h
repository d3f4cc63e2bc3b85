#ifndef UNDERSTUDY_ARCH_X86_I8259_H
#define UNDERSTUDY_ARCH_X86_I8259_H

/* Remaps the host's 8259 pair off the exception vectors and masks it. */
void i8259_disable(void);

#endif
