/** Which fault menu is open (FaultMenu.tsx draws it; views open it on right-click). */
import { create } from 'zustand';

export interface MenuState {
  open: { x: number; y: number; actors: string[]; title: string } | null;
}

export const useFaultMenu = create<MenuState>()(() => ({ open: null }));

/** Open the menu at the pointer for these actors (non-faultable ones are listed as such). */
export function openFaultMenu(
  e: { clientX: number; clientY: number },
  actors: string[],
  title: string,
): void {
  useFaultMenu.setState({ open: { x: e.clientX, y: e.clientY, actors, title } });
}

export function closeFaultMenu(): void {
  useFaultMenu.setState({ open: null });
}
