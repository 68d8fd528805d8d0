// The <videnscenter-events> web component (written next).
