/** Transport icons as inline SVG (media-control glyphs are missing from many system fonts). */
const P = {
  width: 16,
  height: 16,
  viewBox: '0 0 16 16',
  'aria-hidden': true,
  focusable: false,
} as const;

export const IconPlay = () => (
  <svg {...P}>
    <path d="M4 2.5v11l9-5.5z" fill="currentColor" />
  </svg>
);
export const IconPause = () => (
  <svg {...P}>
    <path d="M4 2.5h3v11H4zM9 2.5h3v11H9z" fill="currentColor" />
  </svg>
);
export const IconStepFwd = () => (
  <svg {...P}>
    <path d="M5 3l6 5-6 5z" fill="currentColor" />
  </svg>
);
export const IconStepBack = () => (
  <svg {...P}>
    <path d="M11 3L5 8l6 5z" fill="currentColor" />
  </svg>
);
export const IconOpFwd = () => (
  <svg {...P}>
    <path d="M2.5 3l6 5-6 5zM12 3h2v10h-2z" fill="currentColor" />
    <path d="M7 3l5 5-5 5z" fill="currentColor" opacity="0.55" />
  </svg>
);
export const IconOpBack = () => (
  <svg {...P}>
    <path d="M13.5 3l-6 5 6 5zM2 3h2v10H2z" fill="currentColor" />
    <path d="M9 3L4 8l5 5z" fill="currentColor" opacity="0.55" />
  </svg>
);
